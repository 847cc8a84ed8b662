// While runs are active: the RunManager's count and the status bar; and the explorer filter.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { App } from '../../src/host/app';
import { RunExplorer, type RunsSource } from '../../src/host/runExplorer';
import type { RunListItem } from '../../src/protocol/explorer';
import { afterThis, suite, test } from './runner.ts';
import { answerInputBoxes, captureErrorMessages } from './stubs.ts';
import { explorerRun, explorerRuns, freshDir, startedRun, tracksideApp, waitFor, waitForRun, writeScript } from './workspace.ts';

// The status bar item is private to the App and VS Code has no API to read another item:
// look at it through the App's field.
interface StatusBarView {
  statusBar: { update(names: string[]): void; item: vscode.StatusBarItem };
}

/** Records what the App tells the status bar. */
function watchStatusBar(app: App): { updates: string[][]; item: vscode.StatusBarItem } {
  const bar = (app as unknown as StatusBarView).statusBar;
  const updates: string[][] = [];
  const original = bar.update;
  bar.update = (names) => {
    updates.push([...names]);
    original.call(bar, names);
  };
  afterThis(() => {
    bar.update = original;
  });
  return { updates, item: bar.item };
}

// Holds until a file named "release" appears next to it: a run that stays active on cue.
const HOLD = `
import os, time, trackside
trackside.init(experiment="host-active").log({"step": 1})
while not os.path.exists("release"):
    time.sleep(0.05)
`;

suite('explorer', () => {
  test('while runs are active: RunManager counts them and the status bar shows how many', async () => {
    const app = await tracksideApp();
    const bar = watchStatusBar(app);
    const dirs = [freshDir('hold-a'), freshDir('hold-b')];
    const release = () => dirs.forEach((d) => writeFileSync(join(d, 'release'), ''));
    afterThis(release);
    const ids: string[] = [];
    for (const [i, dir] of dirs.entries()) {
      const script = writeScript(dir, `hold_${i}.py`, HOLD);
      ids.push(await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', script)));
    }

    assert.ok(ids.every((id) => app.runs.isActive(id)));
    // Runs are named after their script and id ("hold_0-3b21e1").
    const scripts = (names: string[] | undefined) => names?.map((n) => n.replace(/-[0-9a-f]{6}$/, '')).sort();
    assert.deepEqual(scripts(app.runs.names()), ['hold_0', 'hold_1']);
    assert.deepEqual(scripts(bar.updates.at(-1)), ['hold_0', 'hold_1']);
    assert.equal(bar.item.text, '$(sync~spin) 2 runs');
    assert.equal(bar.item.command, 'trackside.showRuns');
    for (const id of ids) {
      await waitForRun(app, id, (r) => r.status === 'running');
      const node = await waitFor(() => explorerRun(app, id), { message: `run ${id} listed` });
      assert.match(String(app.explorer.getTreeItem(node).contextValue), /^run.*running/, 'Stop Run is offered');
    }

    release();
    for (const id of ids) await waitForRun(app, id, (r) => r.status === 'finished');
    await waitFor(() => app.runs.names().length === 0, { message: 'no active run' });
    assert.deepEqual(bar.updates.at(-1), [], 'the status bar was told to hide');
  });

  test('a started run is revealed: its experiment group opens and its row is selected', async () => {
    const app = await tracksideApp();
    await vscode.commands.executeCommand('workbench.view.extension.trackside');
    await waitFor(() => app.treeView.visible, { message: 'the Runs view visible' });
    const dir = freshDir('reveal');
    const experiment = `host-reveal-${dir.slice(-6)}`;
    const first = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', writeScript(dir, 'first.py', `import trackside\ntrackside.init(experiment="${experiment}").log({"a": 1})\n`)));
    await waitForRun(app, first, (r) => r.status === 'finished');
    await waitFor(() => explorerRun(app, first), { message: 'the first run listed' });
    // Collapsed, as a user who never opened it sees it.
    await vscode.commands.executeCommand('workbench.actions.treeView.trackside.runs.collapseAll');
    // VS Code asks for a group's runs when it shows the group open.
    const listed: string[] = [];
    const list = app.explorer.getChildren.bind(app.explorer);
    app.explorer.getChildren = (node) => {
      if (node?.kind === 'experiment') listed.push(node.name);
      return list(node);
    };
    afterThis(() => void Reflect.deleteProperty(app.explorer, 'getChildren'));
    const script = writeScript(dir, 'held.py', HOLD.replace('host-active', experiment));
    afterThis(() => writeFileSync(join(dir, 'release'), ''));
    const id = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', script));
    // Listed first under the launch's Default, then under the experiment its script names: followed there.
    await waitFor(() => listed.includes(experiment), { message: `its experiment ${experiment} shown open` });
    await waitFor(() => app.treeView.selection.some((n) => n.kind === 'run' && n.run.id === id && n.run.experiment === experiment), { message: 'the started run selected in its experiment' });
    writeFileSync(join(dir, 'release'), '');
    await waitForRun(app, id, (r) => r.status === 'finished');
  });

  test('a run listed in another group than its node had is told as moved (the reveal of a started run follows it)', async () => {
    // A script names its experiment between two flushes: the new group's listing is the first to see it.
    let experiment = 'Default';
    const run = (): RunListItem => ({ id: 'r1', name: 'train-r1', experiment, status: 'running', started: 0, tags: [], rerunnable: false, children: 0 });
    const source: RunsSource = {
      groups: async () => [{ name: experiment, count: 1 }],
      runs: async (group) => (group === experiment ? [run()] : []),
      run: async () => run(),
      children: async () => [],
      details: async () => undefined,
    };
    const explorer = new RunExplorer(source);
    afterThis(() => explorer.dispose());
    const moves: string[][] = [];
    explorer.onDidMove((ids) => moves.push(ids));
    const [first] = await explorer.listAll();
    experiment = 'mnist';
    const [again] = await explorer.listAll();
    assert.equal(again, first, 'the same node, so a reveal of it resolves in its new group');
    assert.deepEqual(moves, [['r1']]);
    await explorer.listAll();
    assert.deepEqual(moves, [['r1']], 'told once');
  });

  test('filter status:failed narrows the tree; clear brings every run back', async () => {
    const app = await tracksideApp();
    afterThis(() => vscode.commands.executeCommand('trackside.clearFilter'));
    const errors = captureErrorMessages(); // the failed run's notification
    const ok = writeScript(freshDir('filter-ok'), 'ok.py', 'print("fine")\n');
    const bad = writeScript(freshDir('filter-bad'), 'bad.py', 'import sys\nsys.exit(3)\n');
    const okId = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', ok));
    const badId = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', bad));
    await waitForRun(app, okId, (r) => r.status === 'finished');
    await waitForRun(app, badId, (r) => r.status === 'failed' && r.exitCode === 3);
    await waitFor(() => errors.calls.some(([m]) => /"bad-[0-9a-f]{6}" failed with exit code 3/.test(String(m))), { message: 'the failure notification' });

    answerInputBoxes('status:failed');
    await vscode.commands.executeCommand('trackside.filterRuns');
    const listed = await explorerRuns(app);
    assert.ok(listed.some((n) => n.run.id === badId), 'the failed run is listed');
    assert.deepEqual(listed.filter((n) => n.run.status !== 'failed').map((n) => n.run.id), [], 'only failed runs are listed');
    assert.equal(app.treeView.message, 'Filter: status:failed');

    await vscode.commands.executeCommand('trackside.clearFilter');
    assert.ok(await explorerRun(app, okId), 'the finished run is back');
    assert.equal(app.treeView.message, undefined);
  });
});
