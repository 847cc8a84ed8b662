import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { indexPath } from '../../src/core/paths';
import { append, makeRun, metricsLine, tempRoot, type TempRoot } from './runFolders';

const REPO = resolve(__dirname, '../..');
const CLI = join(REPO, 'src/cli.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(cwd: string, ...args: string[]): Result {
  const env = { ...process.env };
  delete env.TRACKSIDE_HOME;
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const A = '20240101-000000-aaaaaa';
const B = '20240102-000000-bbbbbb';
const HASH = (c: string): string => c.repeat(64);

function workspace(): TempRoot {
  const tmp = tempRoot('trackside-cli-');
  const a = makeRun(tmp.root, A);
  append(
    a,
    { t: 1_704_067_200_000, type: 'run', name: 'baseline', experiment: 'mnist', params: { lr: 0.1, opt: 'adam' }, tags: ['best'] },
    metricsLine(1_704_067_201_000, 0, { loss: 1, acc: NaN }),
    metricsLine(1_704_067_202_000, 1, { loss: Infinity, acc: 0.5 }),
    'not json\n',
    { t: 1_704_067_203_000, type: 'image', key: 'roc', step: 0, hash: HASH('a'), format: 'png', size: 10 },
    { t: 1_704_067_204_000, type: 'dataset', name: 'iris', path: 'iris.csv', hash: HASH('b'), size: 3, files: [{ path: 'iris.csv', hash: HASH('b'), size: 3 }] },
    { t: 1_704_067_205_000, type: 'artifact', name: 'model', kind: 'model', hash: HASH('c'), size: 4 },
    { t: 1_704_067_300_000, type: 'status', status: 'finished', exit_code: 0 },
  );
  const b = makeRun(tmp.root, B);
  append(b, { t: 1_704_153_600_000, type: 'run', name: 'second, "quoted"' }, metricsLine(1_704_153_601_000, 0, { loss: 2 }));
  return tmp;
}

test('runs --json prints one array of runs with id, name, experiment, status and last metric values', () => {
  const tmp = workspace();
  try {
    // From a subfolder: .trackside is found walking up.
    const sub = join(tmp.workspace, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    const r = cli(sub, 'runs', '--json');
    assert.equal(r.code, 0, r.stderr);
    const runs = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.ok(Array.isArray(runs));
    assert.deepEqual(runs.map((x) => x.id), [B, A]);
    const base = runs[1];
    assert.equal(base.name, 'baseline');
    assert.equal(base.experiment, 'mnist');
    assert.equal(base.status, 'finished');
    assert.equal(runs[0].status, 'running');
    assert.deepEqual(base.metrics, { acc: 0.5, loss: 'Infinity' });
    assert.match(r.stderr, /skipped 1 malformed/);

    const text = cli(tmp.workspace, 'runs');
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^ID\s+NAME\s+EXPERIMENT\s+STATUS\s+STARTED\s+DURATION\s+METRICS/);
    assert.match(text.stdout, /baseline\s+mnist\s+finished/);
    assert.match(text.stdout, /acc=0\.5 loss=\+Inf/);
  } finally {
    tmp.cleanup();
  }
});

test('show RUN --json: by id, unique prefix or unique name; metric summaries carry key and count', () => {
  const tmp = workspace();
  try {
    for (const ref of [A, '20240101', 'baseline']) {
      const r = cli(tmp.workspace, 'show', ref, '--json');
      assert.equal(r.code, 0, r.stderr);
      const run = JSON.parse(r.stdout) as {
        id: string;
        params: Record<string, unknown>;
        tags: string[];
        metrics: { key: string; count: number; last: unknown; min: unknown }[];
        images: unknown[];
        datasets: { hash: string }[];
        artifacts: unknown[];
        exitCode: number;
        status: string;
      };
      assert.equal(run.id, A);
      assert.deepEqual(run.params, { lr: 0.1, opt: 'adam' });
      assert.deepEqual(run.tags, ['best']);
      assert.deepEqual(
        run.metrics.map((m) => [m.key, m.count, m.last]),
        [
          ['acc', 2, 0.5],
          ['loss', 2, 'Infinity'],
        ],
      );
      assert.equal(run.images.length, 1);
      assert.equal(run.datasets[0].hash, HASH('b'));
      assert.equal(run.artifacts.length, 1);
      assert.equal(run.status, 'finished');
      assert.equal(run.exitCode, 0);
    }
    const text = cli(tmp.workspace, 'show', 'baseline');
    assert.equal(text.code, 0);
    assert.match(text.stdout, /Name:\s+baseline/);
    assert.match(text.stdout, /loss\s+\+Inf\s+1\s+\+Inf\s+0\.\.1\s+2/);
  } finally {
    tmp.cleanup();
  }
});

test('ingest reports bad lines as file:line; rebuild gives the same runs back', () => {
  const tmp = workspace();
  try {
    const r = cli(tmp.workspace, 'ingest');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`${join(tmp.root, 'runs', A, 'events.jsonl')}:4: invalid JSON`), r.stdout);
    const json = cli(tmp.workspace, 'ingest', '--json');
    assert.deepEqual(JSON.parse(json.stdout).runsChanged, []);
    const before = JSON.parse(cli(tmp.workspace, 'runs', '--json').stdout) as { duration: unknown }[];
    const rb = cli(tmp.workspace, 'rebuild', '--json');
    assert.equal(rb.code, 0, rb.stderr);
    const report = JSON.parse(rb.stdout) as { runsSeen: number; badTotal: number; bad: { line: number }[] };
    assert.equal(report.runsSeen, 2);
    assert.equal(report.badTotal, 1);
    assert.equal(report.bad[0].line, 4);
    const after = JSON.parse(cli(tmp.workspace, 'runs', '--json').stdout) as { duration: unknown }[];
    // Running runs' duration is live; compare everything else.
    assert.deepEqual(
      after.map((x) => ({ ...x, duration: 0 })),
      before.map((x) => ({ ...x, duration: 0 })),
    );
  } finally {
    tmp.cleanup();
  }
});

test('export as CSV and JSON, to stdout or a file', () => {
  const tmp = workspace();
  try {
    const csv = cli(tmp.workspace, 'export', '--format', 'csv');
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trimEnd().split('\r\n');
    assert.equal(lines.length, 3);
    assert.ok(lines[0].startsWith('id,name,experiment,status'));
    assert.ok(lines[0].includes('params.lr') && lines[0].includes('metrics.loss.last'));
    assert.ok(lines[1].includes('"second, ""quoted"""'));
    const out = join(tmp.workspace, 'runs.json');
    const json = cli(tmp.workspace, 'export', '--format', 'json', '--out', out);
    assert.equal(json.code, 0, json.stderr);
    const runs = JSON.parse(readFileSync(out, 'utf8')) as { id: string; params: object; metrics: { key: string }[] }[];
    assert.deepEqual(runs.map((r) => r.id), [B, A]);
    assert.deepEqual(runs[1].params, { lr: 0.1, opt: 'adam' });
  } finally {
    tmp.cleanup();
  }
});

test('errors: no .trackside, corrupt index, unknown run, ambiguous prefix, bad flag, unknown command', () => {
  const empty = mkdtempSync(join(tmpdir(), 'trackside-none-'));
  const tmp = workspace();
  try {
    // A workspace without .trackside anywhere above it (tmp dirs have none).
    const none = cli(empty, 'runs');
    assert.equal(none.code, 3);
    assert.match(none.stderr, /No \.trackside folder found/);

    assert.equal(cli(tmp.workspace, 'show', 'nope').code, 1);
    const amb = cli(tmp.workspace, 'show', '2024');
    assert.equal(amb.code, 1);
    assert.match(amb.stderr, /matches 2 runs/);
    assert.equal(cli(tmp.workspace, 'runs', '--bogus').code, 2);
    assert.equal(cli(tmp.workspace, 'runs', '--status', 'weird').code, 2);
    assert.equal(cli(tmp.workspace, 'export', '--format', 'xml').code, 2);
    assert.equal(cli(tmp.workspace, 'show').code, 2);
    const unknown = cli(tmp.workspace, 'frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command/);
    const help = cli(tmp.workspace, '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: trackside/);

    writeFileSync(indexPath(tmp.root), 'not a database '.repeat(200));
    const corrupt = cli(tmp.workspace, 'runs', '--json');
    assert.equal(corrupt.code, 4);
    assert.match(corrupt.stderr, /trackside rebuild/);
    assert.equal(cli(tmp.workspace, 'rebuild').code, 0);
    assert.equal(cli(tmp.workspace, 'runs', '--json').code, 0);
  } finally {
    tmp.cleanup();
    rmSync(empty, { recursive: true, force: true });
  }
});

test('the bundled CLI (esbuild, better-sqlite3 external) runs the same', () => {
  const tmp = workspace();
  const outDir = mkdtempSync(join(tmpdir(), 'trackside-bundle-'));
  try {
    // Same settings as esbuild.mjs uses for dist/cli.js.
    buildSync({
      entryPoints: [CLI],
      outfile: join(outDir, 'cli.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['better-sqlite3'],
      banner: { js: '#!/usr/bin/env node' },
      logLevel: 'error',
    });
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: join(REPO, 'node_modules') };
    delete env.TRACKSIDE_HOME;
    const r = spawnSync(process.execPath, [join(outDir, 'cli.js'), 'runs', '--json'], { cwd: tmp.workspace, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id), [B, A]);
  } finally {
    tmp.cleanup();
    rmSync(outDir, { recursive: true, force: true });
  }
});
