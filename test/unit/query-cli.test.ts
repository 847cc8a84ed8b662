// `trackside runs --where` and `trackside export --where`: the query language on the command line.
process.env.TZ = 'UTC';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { append, makeRun, tempRoot, type TempRoot } from './runFolders';

const CLI = join(resolve(__dirname, '../..'), 'src/cli.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

interface Fixture {
  runs: { id: string; events: object[] }[];
}

function cli(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC' };
  delete env.TRACKSIDE_HOME;
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(): TempRoot {
  const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/query/cases.json'), 'utf8')) as Fixture;
  const tmp = tempRoot('trackside-query-cli-');
  for (const r of fixture.runs) append(makeRun(tmp.root, r.id), ...r.events);
  return tmp;
}

test('runs --where lists the matching runs; a bad query names its column with a caret, exit code 2', () => {
  const tmp = workspace();
  try {
    const r = cli(tmp.workspace, 'runs', '--json', '--where', 'params.lr >= 0.001 and (tag:baseline or status = failed)');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { name: string }[]).map((x) => x.name), ['resnet18', 'resnet50-baseline']);
    const text = cli(tmp.workspace, 'runs', '--where', 'experiment = nlp');
    assert.match(text.stdout, /bert-small/);
    assert.doesNotMatch(text.stdout, /resnet/);
    const bad = cli(tmp.workspace, 'runs', '--where', 'params.lr > and status = x');
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stderr,
      "trackside: Query error at column 13: expected a value, found 'and'\n  params.lr > and status = x\n              ^\nRun \"trackside --help\" for usage.\n",
    );
  } finally {
    tmp.cleanup();
  }
});

test('export --where narrows the runs export', () => {
  const tmp = workspace();
  try {
    const r = cli(tmp.workspace, 'export', '--format', 'json', '--where', 'metrics.val/acc.max >= 0.9');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { name: string }[]).map((x) => x.name), ['bert-small', 'resnet50-baseline']);
    assert.equal(cli(tmp.workspace, 'export', '--where', 'name ~').code, 2);
  } finally {
    tmp.cleanup();
  }
});

test('a 2,000-term query lists its runs (exit 0); SQLite never answers with its own error text', () => {
  const tmp = workspace();
  try {
    const r = cli(tmp.workspace, 'runs', '--json', '--where', Array(2000).fill('res').join(' '));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { name: string }[]).map((x) => x.name).sort(), ['resnet18', 'resnet50-baseline']);
    const names = Array.from({ length: 2100 }, (_, i) => i.toString(36))
      .filter((w) => !['in', 'or'].includes(w))
      .slice(0, 1999);
    const e = cli(tmp.workspace, 'export', '--format', 'json', '--where', `name in (${[...names, 'bert-small'].join(',')})`);
    assert.equal(e.code, 0, e.stderr);
    assert.deepEqual((JSON.parse(e.stdout) as { name: string }[]).map((x) => x.name), ['bert-small']);
  } finally {
    tmp.cleanup();
  }
});
