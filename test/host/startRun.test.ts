// "Start Tracked Run" and "… with Parameters…" on a script in the workspace, and the error
// a missing interpreter gives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { afterThis, suite, test } from './runner.ts';
import { answerInputBoxes, captureErrorMessages, setUserSetting } from './stubs.ts';
import { events, explorerRun, freshDir, runIds, startedRun, tracksideApp, waitFor, waitForRun, writeScript } from './workspace.ts';

const TINY = `
import trackside
run = trackside.init(experiment="host-start")
run.log({"loss": 0.25})
print("hello from tiny")
`;

suite('start run', () => {
  test('a tiny script ends finished and the Run Explorer lists it', async () => {
    const app = await tracksideApp();
    const script = writeScript(freshDir('start'), 'tiny.py', TINY);
    const id = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', script));
    // The client says finished before its process exits; the exit code comes after.
    const run = await waitForRun(app, id, (r) => r.status === 'finished' && r.exitCode !== null);
    assert.equal(run.exitCode, 0);
    assert.equal(run.experiment, 'host-start');
    assert.match(String(run.script), /^host-tests\/start-[^/]+\/tiny\.py$/, 'script is relative to the workspace');
    assert.ok(run.code.some((f) => f.path.endsWith('tiny.py')), 'the script is in the code snapshot');

    const node = await waitFor(async () => {
      const n = await explorerRun(app, id);
      return n?.run.status === 'finished' && n;
    }, { message: 'the finished run in the Run Explorer' });
    const item = app.explorer.getTreeItem(node);
    assert.match(String(item.contextValue), /^run;finished\b/);
    assert.match(String(item.description), /^loss 0\.25/);
    assert.match(readFileSync(join(app.index.root, 'runs', id, 'files', 'output.log'), 'utf8'), /hello from tiny/);
  });

  test('a script that never imports trackside is tracked, and Rerun starts it again', async () => {
    const app = await tracksideApp();
    const script = writeScript(freshDir('plain'), 'plain.py', 'print("no client here")\n');
    const id = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', script));
    const first = await waitForRun(app, id, (r) => r.status === 'finished');
    const node = await waitFor(() => explorerRun(app, id), { message: 'the run in the Run Explorer' });
    assert.match(String(app.explorer.getTreeItem(node).contextValue), /^run;finished;rerunnable$/);

    const again = await startedRun(app, () => vscode.commands.executeCommand('trackside.rerun', node));
    const second = await waitForRun(app, again, (r) => r.status === 'finished');
    assert.deepEqual(second.command, first.command);
    assert.equal(second.script, first.script);
    assert.match(String(second.name), /^plain-/);
  });

  test('a run whose script imports trackside can be rerun too', async () => {
    const app = await tracksideApp();
    const script = writeScript(freshDir('rerunnable'), 'tiny.py', TINY);
    const id = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', script));
    await waitForRun(app, id, (r) => r.status === 'finished');
    const node = await waitFor(() => explorerRun(app, id), { message: 'the run in the Run Explorer' });
    assert.match(String(app.explorer.getTreeItem(node).contextValue), /rerunnable/, 'Rerun is offered');
  });

  test('Stop Run on an active run node ends it stopped', async () => {
    const app = await tracksideApp();
    const script = writeScript(freshDir('stop'), 'forever.py', 'import time\nwhile True:\n    time.sleep(0.05)\n');
    const id = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', script));
    afterThis(() => app.runs.stop(id).then(() => undefined));
    const node = await waitFor(async () => { const n = await explorerRun(app, id); return n?.run.status === 'running' && n; }, { message: 'the running run listed' });
    await vscode.commands.executeCommand('trackside.stopRun', node);
    await waitForRun(app, id, (r) => r.status === 'stopped');
    await waitFor(() => !app.runs.isActive(id), { message: 'the run no longer active' });
  });

  test('with parameters: lr=0.1 epochs=2 are passed as --lr 0.1 --epochs 2 and recorded', async () => {
    const app = await tracksideApp();
    const dir = freshDir('params');
    const script = writeScript(dir, 'args.py', `
import json, sys
with open("argv.json", "w") as f:
    json.dump(sys.argv[1:], f)
`);
    const prompt = answerInputBoxes('lr=0.1 epochs=2');
    const id = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRunWithParams', script));
    const run = await waitForRun(app, id, (r) => r.status === 'finished');
    assert.equal(prompt.calls.length, 1);
    const validate = (prompt.calls[0][0] as vscode.InputBoxOptions).validateInput!;
    assert.ok(validate('lr'), 'a pair without "=" is refused while typing');

    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'argv.json'), 'utf8')), ['--lr', '0.1', '--epochs', '2']);
    assert.deepEqual(run.params, { epochs: 2, lr: 0.1 });
    assert.deepEqual((run.command as string[]).slice(2), ['--lr', '0.1', '--epochs', '2']);
    assert.ok(events(app, id).some((e) => e.type === 'run' && e.source === 'editor'));
  });

  test('Rerun of a finished run reuses its terminal', async () => {
    const app = await tracksideApp();
    const script = writeScript(freshDir('reuse'), 'reuse.py', 'print("once more")\n');
    const id = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', script));
    const { name } = await waitForRun(app, id, (r) => r.status === 'finished');
    const first = await waitFor(() => vscode.window.terminals.find((t) => t.name === `Run: ${name}`), { message: "the run's terminal, named after it" });
    const count = vscode.window.terminals.length;
    const node = await waitFor(() => explorerRun(app, id), { message: 'the run in the Run Explorer' });
    const again = await startedRun(app, () => vscode.commands.executeCommand('trackside.rerun', node));
    const rerun = await waitForRun(app, again, (r) => r.status === 'finished');
    assert.notEqual(rerun.name, name);
    assert.equal(vscode.window.terminals.length, count, 'no second terminal');
    assert.ok(vscode.window.terminals.includes(first), 'the first run terminal took the rerun');
  });

  test('trackside.terminal.closeOnFinish closes the terminal of a finished run, not of a failed one', async () => {
    const app = await tracksideApp();
    await setUserSetting('trackside', 'terminal.closeOnFinish', true);
    const dir = freshDir('close');
    const opened: string[] = [];
    const listener = vscode.window.onDidOpenTerminal((t) => opened.push(t.name));
    afterThis(() => listener.dispose());
    const ok = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', writeScript(dir, 'ok.py', 'print("done")\n')));
    const okName = `Run: ${(await waitForRun(app, ok, (r) => r.status === 'finished')).name}`;
    await waitFor(() => opened.length > 0 && !vscode.window.terminals.some((t) => t.name === okName), { message: 'the finished run terminal opened, then closed' });

    const bad = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRun', writeScript(dir, 'bad.py', 'raise SystemExit(3)\n')));
    const failed = await waitForRun(app, bad, (r) => r.status === 'failed');
    await waitFor(() => !app.runs.isActive(bad), { message: 'the failed run ended' });
    assert.ok(vscode.window.terminals.some((t) => t.name === `Run: ${failed.name}`), "a failed run's output stays in sight");
  });

  test("with parameters: the box holds the script's argparse flags with their defaults, then the last run's values", async () => {
    const app = await tracksideApp();
    const dir = freshDir('flags');
    const script = writeScript(dir, 'flags.py', `
import argparse, json
p = argparse.ArgumentParser()
p.add_argument("--lr", type=float, default=0.01)
p.add_argument("--epochs", type=int, default=5)
a = p.parse_args()
with open("args.json", "w") as f:
    json.dump(vars(a), f)
`);
    const first = answerInputBoxes('lr=0.01 epochs=5');
    const id = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRunWithParams', script));
    await waitForRun(app, id, (r) => r.status === 'finished');
    const box = first.calls[0][0] as vscode.InputBoxOptions;
    assert.equal(box.value, 'lr=0.01 epochs=5');
    assert.match(String(box.prompt), /Defaults of --lr \(float\), --epochs \(int\)/);

    answerInputBoxes('lr=0.3 epochs=5');
    const again = await startedRun(app, () => vscode.commands.executeCommand('trackside.startRunWithParams', script));
    await waitForRun(app, again, (r) => r.status === 'finished');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')), { lr: 0.3, epochs: 5 });
    const third = answerInputBoxes(undefined);
    await vscode.commands.executeCommand('trackside.startRunWithParams', script);
    const box3 = third.calls[0][0] as vscode.InputBoxOptions;
    assert.equal(box3.value, 'lr=0.3 epochs=5', "prefilled with the last run's values");
    assert.match(String(box3.prompt), /The last run's values/);
  });

  test('a missing interpreter gives an error pointing at the setting, and no run', async () => {
    const app = await tracksideApp();
    const script = writeScript(freshDir('nopython'), 'never.py', 'print("never runs")\n');
    await setUserSetting('trackside', 'pythonPath', '/nonexistent/bin/python3');
    const errors = captureErrorMessages();
    const before = runIds(app);
    await vscode.commands.executeCommand('trackside.startRun', script);

    assert.equal(errors.calls.length, 1, `one error message, got ${JSON.stringify(errors.calls)}`);
    const [message, ...rest] = errors.calls[0];
    assert.match(String(message), /interpreter "\/nonexistent\/bin\/python3" could not be started/);
    assert.match(String(message), /trackside\.pythonPath/);
    assert.ok(rest.includes('Open Setting'), 'the message has a button to the setting');
    assert.deepEqual(runIds(app), before, 'no run folder is left behind');
  });
});
