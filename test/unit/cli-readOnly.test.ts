// A .trackside that cannot be written (a read-only mount, an immutable index) is still read:
// runs, show and export answer with every run, new events included; the commands that write
// say so with exit code 6. Needs root (mount, chattr); skipped elsewhere.
import { strict as assert } from 'node:assert';
import { test, type TestContext } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { indexPath } from '../../src/core/paths';
import { openIndexForReading } from '../../src/core/readIndex';
import { append, makeRun, metricsLine, tempRoot, type TempRoot } from './runFolders';

const CLI = join(resolve(__dirname, '../..'), 'src/cli.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const A = '20240101-000000-aaaaaa';
const B = '20240102-000000-bbbbbb';
const C = '20240103-000000-cccccc';

function sh(cmd: string, ...args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** Mounts `dir` read-only over itself for the test, or skips it where that is not allowed. */
function readOnlyMount(t: TestContext, dir: string): (() => void) | undefined {
  if (process.getuid?.() !== 0 || !sh('mount', '--bind', dir, dir)) {
    t.skip('needs root and mount --bind');
    return undefined;
  }
  if (!sh('mount', '-o', 'remount,bind,ro', dir)) {
    sh('umount', dir);
    t.skip('cannot remount read-only');
    return undefined;
  }
  return () => assert.ok(sh('umount', dir), `umount ${dir}`);
}

function workspace(): { tmp: TempRoot; tmpDir: string; cli: (...args: string[]) => { code: number | null; stdout: string; stderr: string } } {
  const tmp = tempRoot('trackside-ro-');
  append(makeRun(tmp.root, A), { t: 1_704_067_200_000, type: 'run', name: 'alpha' }, metricsLine(1_704_067_201_000, 0, { loss: 1 }));
  append(makeRun(tmp.root, B), { t: 1_704_153_600_000, type: 'run', name: 'beta' });
  // Copies of the index go here: the test sees that none is left behind.
  const tmpDir = mkdtempSync(join(tmpdir(), 'trackside-ro-tmp-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmpDir };
  delete env.TRACKSIDE_HOME;
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { cwd: tmp.workspace, env, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { tmp, tmpDir, cli };
}

const copiesLeft = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('trackside-index-'));

/** After the index was made: a run finishes and another appears, so the index is behind. */
function moreEvents(tmp: TempRoot): void {
  append(join(tmp.root, 'runs', A, 'events.jsonl'), metricsLine(1_704_067_202_000, 1, { loss: 0.5 }), { t: 1_704_067_300_000, type: 'status', status: 'finished', exit_code: 0 });
  append(makeRun(tmp.root, C), { t: 1_704_240_000_000, type: 'run', name: 'gamma' });
}

test('on a read-only mount, runs, show and export read every run and new event; ingest and rebuild exit 6', (t) => {
  const { tmp, tmpDir, cli } = workspace();
  let unmount: (() => void) | undefined;
  try {
    assert.equal(cli('runs').code, 0);
    moreEvents(tmp);
    unmount = readOnlyMount(t, tmp.root);
    if (!unmount) return;

    const runs = cli('runs', '--json');
    assert.equal(runs.code, 0, runs.stderr);
    const listed = JSON.parse(runs.stdout) as { name: string; status: string; metrics: Record<string, number> }[];
    assert.deepEqual(listed.map((r) => [r.name, r.status]), [['gamma', 'running'], ['beta', 'running'], ['alpha', 'finished']]);
    assert.deepEqual(listed[2].metrics, { loss: 0.5 });
    const show = cli('show', 'alpha');
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /Status:\s+finished \(exit code 0\)/);
    assert.equal(cli('export', '--format', 'csv').stdout.trimEnd().split('\r\n').length, 4);

    for (const command of ['ingest', 'rebuild']) {
      const r = cli(command);
      assert.equal(r.code, 6, `${command}: ${r.stderr}`);
      assert.equal(r.stderr, `trackside: ${tmp.root} cannot be written (read-only file system): "${command}" needs to write it; runs, show and export read it as it is.\n`);
    }
    assert.deepEqual(copiesLeft(tmpDir), [], 'no copy of the index is left behind');
  } finally {
    unmount?.();
    tmp.cleanup();
    rmSync(tmpDir, { recursive: true, force: true });
  }
});

test('a read-only .trackside without an index lists its runs from the folders', (t) => {
  const { tmp, tmpDir, cli } = workspace();
  let unmount: (() => void) | undefined;
  try {
    unmount = readOnlyMount(t, tmp.root);
    if (!unmount) return;
    const runs = cli('runs', '--json');
    assert.equal(runs.code, 0, runs.stderr);
    assert.deepEqual((JSON.parse(runs.stdout) as { name: string }[]).map((r) => r.name), ['beta', 'alpha']);
    assert.deepEqual(copiesLeft(tmpDir), []);
  } finally {
    unmount?.();
    tmp.cleanup();
    rmSync(tmpDir, { recursive: true, force: true });
  }
});

test('an immutable index is read in place while nothing is new, and through a copy once it is behind', (t) => {
  const { tmp, tmpDir, cli } = workspace();
  const file = indexPath(tmp.root);
  let immutable = false;
  try {
    assert.equal(cli('runs').code, 0);
    if (process.getuid?.() !== 0 || !sh('chattr', '+i', file)) {
      t.skip('needs root and chattr');
      return;
    }
    immutable = true;
    const current = openIndexForReading(tmp.root);
    try {
      assert.equal(current.mode, 'index');
    } finally {
      current.store.close();
    }
    moreEvents(tmp);
    const behind = openIndexForReading(tmp.root);
    try {
      assert.equal(behind.mode, 'copy');
      assert.deepEqual(behind.report.runsChanged.sort(), [A, C]);
    } finally {
      behind.store.close();
    }
    const runs = cli('runs', '--json');
    assert.equal(runs.code, 0, runs.stderr);
    assert.deepEqual((JSON.parse(runs.stdout) as { name: string }[]).map((r) => r.name), ['gamma', 'beta', 'alpha']);
    assert.equal(cli('ingest').code, 6);
    assert.deepEqual(copiesLeft(tmpDir), []);
  } finally {
    if (immutable) sh('chattr', '-i', file);
    tmp.cleanup();
    rmSync(tmpDir, { recursive: true, force: true });
  }
});
