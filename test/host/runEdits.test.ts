// Rename, tags, note, delete and restore on a Run Explorer node: each appends its event and
// the index (and so the tree) follows at once.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { App } from '../../src/host/app';
import { suite, test } from './runner.ts';
import { answerInputBoxes, answerQuickPicks, answerWarnings } from './stubs.ts';
import { events, explorerRun, freshDir, run, startedRun, tracksideApp, waitFor, waitForRun, writeScript, type RunNode } from './workspace.ts';

async function finishedRun(app: App, name: string): Promise<string> {
  const script = writeScript(freshDir(name), `${name}.py`, 'import trackside\ntrackside.init(experiment="host-edits")\n');
  const id = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', script));
  await waitForRun(app, id, (r) => r.status === 'finished');
  return id;
}

async function node(app: App, id: string): Promise<RunNode> {
  const n = await explorerRun(app, id);
  assert.ok(n, `run ${id} is listed in the Run Explorer`);
  return n;
}

function lastEvent(app: App, id: string): Record<string, unknown> {
  return events(app, id).at(-1)!;
}

suite('run edits', () => {
  test('rename, tags and note from a run node', async () => {
    const app = await tracksideApp();
    const id = await finishedRun(app, 'edits');

    answerInputBoxes('renamed by test');
    await vscode.commands.executeCommand('trackside.renameRun', await node(app, id));
    assert.deepEqual({ ...lastEvent(app, id), t: 0 }, { t: 0, type: 'rename', name: 'renamed by test' });
    assert.equal((await run(app, id))?.name, 'renamed by test');
    assert.equal((await node(app, id)).run.name, 'renamed by test');

    answerInputBoxes('alpha, beta');
    await vscode.commands.executeCommand('trackside.editTags', await node(app, id));
    assert.deepEqual([...((await run(app, id))?.tags ?? [])].sort(), ['alpha', 'beta']);
    answerInputBoxes('beta, gamma');
    await vscode.commands.executeCommand('trackside.editTags', await node(app, id));
    assert.deepEqual({ ...lastEvent(app, id), t: 0 }, { t: 0, type: 'tags', add: ['gamma'], remove: ['alpha'] });
    assert.deepEqual([...((await run(app, id))?.tags ?? [])].sort(), ['beta', 'gamma']);

    answerInputBoxes('lr too high?');
    await vscode.commands.executeCommand('trackside.editNote', await node(app, id));
    assert.equal(lastEvent(app, id).type, 'note');
    assert.equal((await run(app, id))?.note, 'lr too high?');
  });

  test('delete hides the run after the confirmation; restore brings it back', async () => {
    const app = await tracksideApp();
    const id = await finishedRun(app, 'delete');

    const confirm = answerWarnings('Delete');
    await vscode.commands.executeCommand('trackside.deleteRun', await node(app, id));
    assert.equal(confirm.calls.length, 1);
    assert.deepEqual((confirm.calls[0] as unknown[]).slice(1), [{ modal: true }, 'Delete']);
    assert.equal(lastEvent(app, id).type, 'deleted');
    assert.equal((await run(app, id))?.deleted, true);
    assert.equal(await explorerRun(app, id), undefined, 'a deleted run is not listed');

    const pick = answerQuickPicks((items) => items.filter((i) => (i as { id?: string }).id === id));
    await vscode.commands.executeCommand('trackside.restoreRun');
    assert.ok((pick.calls[0][0] as { id?: string }[]).some((i) => i.id === id), 'the deleted run is offered');
    assert.deepEqual({ ...lastEvent(app, id), t: 0 }, { t: 0, type: 'deleted', deleted: false });
    assert.equal((await run(app, id))?.deleted, false);
    await waitFor(() => explorerRun(app, id), { message: 'the restored run listed again' });
  });
});
