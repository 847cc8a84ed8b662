import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { blobPath } from '../../src/core/blobs';
import type { CodeEvent, RunEvent, StatusEvent } from '../../src/core/events';
import { InterpreterNotFoundError, resolveInterpreter } from '../../src/core/runner/interpreter';
import { parseParamPairs } from '../../src/core/runner/params';
import { readPidFile } from '../../src/core/runner/pidFile';
import { RunStartError, startRun } from '../../src/core/runner/startRun';
import { CLIENT, cleanupTempDirs, eventsOf, readEvents, tempWorkspace, waitFor } from '../fixtures/runner/helpers';

test.after(cleanupTempDirs);

const interpreterP = resolveInterpreter(['python3']);

test('a run that exits 0: start events, snapshot, output, pid, sys samples, finished', async () => {
  const { ws, root } = tempWorkspace();
  const interpreter = await interpreterP;
  const seen: string[] = [];
  const run = await startRun({
    root,
    workspaceDir: ws,
    program: 'hello.py',
    args: ['--epochs', '2'],
    interpreter,
    clientPath: CLIENT,
    params: parseParamPairs('lr=0.010 tag=base'),
    experiment: 'lr-sweep',
    sysInterval: 0.05,
    onOutput: (t) => seen.push(t),
  });
  assert.match(run.id, /^\d{8}-\d{6}-[0-9a-f]{6}$/);
  assert.equal(run.dir, join(root, 'runs', run.id));
  const exit = await run.onExit;
  assert.equal(exit.status, 'finished');
  assert.equal(exit.exitCode, 0);
  assert.deepEqual(run.exit, exit);

  const events = readEvents(run.dir);
  assert.equal(events[0].type, 'run');
  assert.deepEqual(events.slice(0, 3).map((e) => e.type), ['run', 'code', 'status']);
  const start = events[0] as RunEvent;
  assert.equal(start.source, 'editor');
  assert.equal(start.name, `hello-${run.id.slice(-6)}`);
  assert.equal(start.experiment, 'lr-sweep');
  assert.deepEqual(start.command, [interpreter.executable, join(ws, 'hello.py'), '--epochs', '2', '--lr', '0.010', '--tag', 'base']);
  assert.equal(start.cwd, ws);
  assert.equal(start.script, 'hello.py');
  assert.deepEqual(start.python, { executable: interpreter.executable, version: interpreter.version });
  assert.equal(start.host, hostname());
  assert.deepEqual(start.params, { lr: 0.01, tag: 'base' });
  assert.equal(start.git, undefined, 'not a repository');
  assert.equal((events[2] as StatusEvent).status, 'running');

  const code = events[1] as CodeEvent;
  assert.equal(code.root, ws);
  assert.equal(code.files[0].path, 'hello.py', 'the script comes first');
  assert.ok(code.files.some((f) => f.path === 'sleeper.py'));
  assert.equal(readFileSync(blobPath(root, code.files[0].hash), 'utf8'), readFileSync(join(ws, 'hello.py'), 'utf8'));

  const pidEvent = events.find((e): e is RunEvent => e.type === 'run' && e.pid !== undefined);
  assert.equal(pidEvent?.pid, run.pid);
  assert.equal(readPidFile(run.dir)?.pid, run.pid);

  const end = events[events.length - 1] as StatusEvent & { duration_ms?: number };
  assert.equal(end.type, 'status');
  assert.equal(end.status, 'finished');
  assert.equal(end.exit_code, 0);
  assert.equal(typeof end.duration_ms, 'number');

  const log = readFileSync(join(run.dir, 'files', 'output.log'), 'utf8');
  assert.match(log, /^hello from hello\.py$/m);
  assert.match(log, new RegExp(`^run dir ${run.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  assert.match(log, /^client fake-trackside-client$/m);
  assert.match(log, /^unbuffered 1$/m);
  assert.match(log, /^argv \['--epochs', '2', '--lr', '0\.010', '--tag', 'base'\]$/m);
  assert.match(log, /^to stderr$/m);
  assert.equal(seen.join(''), log, 'listeners get what the log keeps');
  assert.ok(statSync(join(run.dir, 'meta.json')).isFile());
});

test('non-zero exit: failed with the exit code and the traceback', async () => {
  const { ws, root } = tempWorkspace();
  const run = await startRun({ root, workspaceDir: ws, program: join(ws, 'exit3.py'), interpreter: 'python3', sysInterval: 0, name: 'my run' });
  const exit = await run.onExit;
  assert.deepEqual([exit.status, exit.exitCode, exit.signal], ['failed', 3, null]);
  const [start] = eventsOf(run.dir, 'run');
  assert.equal(start.name, 'my run');
  assert.equal(start.experiment, 'Default');
  const statuses = eventsOf(run.dir, 'status');
  const end = statuses[statuses.length - 1];
  assert.equal(end.status, 'failed');
  assert.equal(end.exit_code, 3);
  assert.match(end.error ?? '', /^Traceback \(most recent call last\):/);
  assert.match(end.error ?? '', /ValueError: bad learning rate/);
  assert.equal(eventsOf(run.dir, 'sys').length, 0, 'sampling off');
});

test('output beyond the cap: the log keeps the tail, listeners get everything', async () => {
  const { ws, root } = tempWorkspace();
  let total = 0;
  const run = await startRun({
    root,
    workspaceDir: ws,
    program: 'chatty.py',
    args: ['3000'],
    interpreter: 'python3',
    outputCapBytes: 16 * 1024,
    sysInterval: 0,
    snapshot: false,
    git: false,
  });
  run.onOutput((t) => (total += Buffer.byteLength(t)));
  assert.equal((await run.onExit).status, 'finished');
  const log = readFileSync(join(run.dir, 'files', 'output.log'), 'utf8');
  assert.ok(Buffer.byteLength(log) <= 16 * 1024);
  assert.ok(Buffer.byteLength(log) >= 8 * 1024 - 60);
  assert.match(log, /^line \d{6} x+$/m);
  assert.ok(log.startsWith('line '), 'cut at a line start');
  assert.ok(log.endsWith('line 002999 ' + 'x'.repeat(40) + '\ndone\n'));
  assert.ok(total > 3000 * 50);
  assert.equal(eventsOf(run.dir, 'code').length, 0, 'snapshot off');
});

test('git workspace: commit, branch, dirty and the diff stored as a blob', async () => {
  const { ws, root } = tempWorkspace();
  const { execFileSync } = await import('node:child_process');
  const git = (...a: string[]): string =>
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...a], { cwd: ws, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(ws, 'hello.py'), readFileSync(join(ws, 'hello.py'), 'utf8') + 'print("changed")\n');
  const run = await startRun({ root, workspaceDir: ws, program: 'hello.py', interpreter: 'python3', clientPath: CLIENT, sysInterval: 0 });
  await run.onExit;
  const [start] = eventsOf(run.dir, 'run');
  assert.equal(start.git?.branch, 'main');
  assert.equal(start.git?.dirty, true);
  assert.match(start.git?.commit ?? '', /^[0-9a-f]{40}$/);
  assert.match(readFileSync(blobPath(root, start.git!.diff!), 'utf8'), /^\+print\("changed"\)$/m);
  // .trackside is not in the snapshot even though git sees it as untracked
  const [code] = eventsOf(run.dir, 'code');
  assert.ok(code.files.every((f) => !f.path.startsWith('.trackside')));
});

test('a module run, env overrides and cwd', async () => {
  const { ws, root } = tempWorkspace();
  const run = await startRun({
    root,
    workspaceDir: ws,
    module: 'hello',
    cwd: '.',
    env: { EXTRA: 'x', PYTHONPATH: ws },
    interpreter: 'python3',
    clientPath: CLIENT,
    sysInterval: 0,
  });
  assert.equal((await run.onExit).status, 'finished');
  const [start] = eventsOf(run.dir, 'run');
  assert.deepEqual((start.command as string[]).slice(1), ['-m', 'hello']);
  assert.equal(start.name, `hello-${run.id.slice(-6)}`);
  assert.equal(start.script, undefined);
});

test('errors before anything starts: missing interpreter, missing program, both or neither', async () => {
  const { ws, root } = tempWorkspace();
  await assert.rejects(startRun({ root, workspaceDir: ws, program: 'hello.py', interpreter: '/nonexistent/python3' }), InterpreterNotFoundError);
  await assert.rejects(startRun({ root, workspaceDir: ws, program: 'missing.py', interpreter: 'python3' }), /Program not found/);
  await assert.rejects(startRun({ root, workspaceDir: ws, interpreter: 'python3' }), RunStartError);
  await assert.rejects(startRun({ root, workspaceDir: ws, program: 'hello.py', module: 'x', interpreter: 'python3' }), RunStartError);
  assert.ok(!existsSync(join(root, 'runs')), 'no run folder left behind');
});

test('an interpreter that vanished after resolution: the run fails with the reason', async () => {
  const { ws, root } = tempWorkspace();
  const err = await startRun({
    root,
    workspaceDir: ws,
    program: 'hello.py',
    interpreter: { command: 'gone', executable: '/nonexistent/python3', version: '3.11.0' },
    sysInterval: 0,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof RunStartError);
  assert.ok(err.dir);
  const statuses = eventsOf(err.dir, 'status');
  assert.deepEqual(statuses.map((s) => s.status), ['running', 'failed']);
  assert.match(statuses[1].error ?? '', /ENOENT/);
});

test('several runs at once', async () => {
  const { ws, root } = tempWorkspace();
  const runs = await Promise.all(
    [0, 1, 2].map((i) => startRun({ root, workspaceDir: ws, program: 'hello.py', interpreter: 'python3', clientPath: CLIENT, sysInterval: 0, name: `r${i}` })),
  );
  assert.equal(new Set(runs.map((r) => r.id)).size, 3);
  const exits = await Promise.all(runs.map((r) => r.onExit));
  assert.deepEqual(exits.map((e) => e.status), ['finished', 'finished', 'finished']);
  await waitFor(() => runs.every((r) => eventsOf(r.dir, 'status').length === 2), 'final statuses');
});
