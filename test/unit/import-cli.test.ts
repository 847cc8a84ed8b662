// `trackside import` and the run exports on the command line.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { event, eventFileName, tfRecord, writeEventFile } from '../fixtures/import/tensorboard';
import { writeMlruns } from '../fixtures/import/mlflow';

const CLI = join(resolve(__dirname, '../..'), 'src/cli.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

function cli(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.TRACKSIDE_HOME;
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function dir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

test('import TensorBoard logs and an mlruns folder; again imports nothing; an unreadable path among them is a partial import (exit 5)', () => {
  const ws = dir('trackside-import-cli-');
  try {
    writeMlruns(join(ws, 'mlruns'));
    mkdirSync(join(ws, 'logs', 'run1'), { recursive: true });
    writeEventFile(join(ws, 'logs', 'run1', eventFileName(1_750_000_000)), [
      event(1_750_000_000, 0, [{ tag: 'loss', simple: 1 }]),
      event(1_750_000_001, 1, [{ tag: 'loss', simple: 0.5 }]),
    ]);
    const r = cli(ws, 'import', 'logs', 'mlruns');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Imported 3 run\(s\) \(9 metric point\(s\)\)\.\n/);
    assert.match(r.stdout, /run1 {2}\[TensorBoard\]/);
    assert.match(r.stdout, /resnet-sgd {2}\[MLflow\]/);
    assert.match(r.stdout, /Left out 1:\n {2}.*: run deleted in MLflow/);
    assert.ok(existsSync(join(ws, '.trackside', 'index.db')));
    const runs = JSON.parse(cli(ws, 'runs', '--json', '--where', 'source = import').stdout) as { name: string }[];
    assert.equal(runs.length, 3);

    writeFileSync(join(ws, 'junk.txt'), 'no');
    const again = cli(ws, 'import', 'logs', 'mlruns', 'junk.txt', '--json');
    assert.equal(again.code, 5);
    const report = JSON.parse(again.stdout) as { imported: unknown[]; alreadyPresent: unknown[]; errors: { path: string }[] };
    assert.equal(report.imported.length, 0);
    assert.equal(report.alreadyPresent.length, 3);
    assert.deepEqual(report.errors.map((e) => e.path), [join(ws, 'junk.txt')]);
    assert.equal(cli(ws, 'import').code, 2);
    const nothing = cli(ws, 'import', 'junk.txt', 'missing');
    assert.equal(nothing.code, 1);
    assert.match(nothing.stdout, /junk\.txt: not a TensorBoard event file, MLflow database \(mlflow\.db\) or Trackside archive\n.*missing: no such file or folder\n/);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('export --run --archive, then import elsewhere: show gives the same run; export --run --metrics prints CSV', () => {
  const a = dir('trackside-export-cli-');
  const b = dir('trackside-export-cli-');
  try {
    writeMlruns(join(a, 'mlruns'));
    assert.equal(cli(a, 'import', 'mlruns').code, 0);
    const archive = join(a, 'best.tgz');
    const exported = cli(a, 'export', '--run', 'resnet-sgd', '--archive', archive);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /^Wrote 1 run\(s\), 3 blob\(s\), \d+ bytes to /);
    const imported = cli(b, 'import', archive);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /resnet-sgd {2}\[Trackside archive\]/);
    const show = (cwd: string): unknown => {
      const r = cli(cwd, 'show', 'resnet-sgd', '--json');
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    // The same run, marked as imported where it was brought in.
    assert.deepEqual(show(b), { ...(show(a) as object), imported: 'archive best.tgz' });

    const csv = cli(b, 'export', '--run', 'resnet-sgd', '--metrics');
    assert.equal(csv.code, 0, csv.stderr);
    assert.deepEqual(csv.stdout.split('\r\n').slice(0, 3), ['key,step,value,time,epoch', 'loss,0,1.5,2025-06-01T09:00:01.000Z,', 'loss,1,0.9,2025-06-01T09:00:02.000Z,']);
    assert.equal(cli(b, 'export', '--metrics').code, 2);
    assert.equal(cli(b, 'export', '--run', 'resnet-sgd').code, 2);
    assert.equal(cli(b, 'export', '--run', 'nope', '--metrics').code, 1);
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test('import again after the log grew: "Updated 1 run(s) (+N point(s))"; a cut file makes the import partial (exit 5) and names the file', () => {
  const ws = dir('trackside-import-cli-');
  try {
    const run = join(ws, 'logs', 'run1');
    mkdirSync(run, { recursive: true });
    const file = join(run, eventFileName(1_750_000_000));
    const recs = (from: number, to: number): Buffer[] => Array.from({ length: to - from }, (_, i) => event(1_750_000_000 + from + i, from + i, [{ tag: 'loss', simple: 1 }]));
    writeEventFile(file, recs(0, 5));
    utimesSync(file, 1_750_000_100, 1_750_000_100);
    assert.equal(cli(ws, 'import', 'logs').code, 0);
    appendFileSync(file, Buffer.concat(recs(5, 8).map(tfRecord)));
    utimesSync(file, 1_750_000_200, 1_750_000_200);
    const grown = cli(ws, 'import', 'logs');
    assert.equal(grown.code, 0, grown.stderr);
    assert.match(grown.stdout, /^Imported 0 run\(s\) \(3 metric point\(s\)\)\.\nUpdated 1 run\(s\) \(\+3 point\(s\)\):\n {2}\S+ {2}run1 {2}\[TensorBoard\] \+3\n$/);
    appendFileSync(file, tfRecord(event(1_750_000_009, 9, [{ tag: 'loss', simple: 2 }])).subarray(0, 20));
    utimesSync(file, 1_750_000_300, 1_750_000_300);
    const cut = cli(ws, 'import', 'logs');
    assert.equal(cut.code, 5);
    assert.match(cut.stdout, new RegExp(`Incomplete 1:\\n  ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ends in an incomplete record: the last 20 bytes`));
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});
