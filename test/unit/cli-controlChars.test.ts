// Names, keys, params and notes are chosen by whoever wrote the run folder: the CLI's text
// output shows their control characters escaped (a terminal would obey them); JSON stays exact.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { oneLine, terminalSafe } from '../../src/core/terminalText';
import { append, makeRun, metricsLine, tempRoot } from './runFolders';

const CLI = join(resolve(__dirname, '../..'), 'src/cli.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const ID = '20240101-000000-escape';
const HASH = 'a'.repeat(64);

// Retitle the window, clear the screen, overwrite the line, an 8-bit CSI, a right-to-left override.
const EVIL = '\u001b]0;pwned\u0007\u001b[2J\rX\u009b31m\u202eevil';
/** What a terminal could act on: anything but a newline. */
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function cli(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.TRACKSIDE_HOME;
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('oneLine escapes every control character; terminalSafe keeps newlines and tabs', () => {
  assert.equal(oneLine(EVIL), '\\x1b]0;pwned\\x07\\x1b[2J\\rX\\x9b31m\\u202eevil');
  assert.equal(oneLine('a\nb\tc\u0000'), 'a\\nb\\tc\\x00');
  assert.equal(terminalSafe('line 1\n\tline 2\u001b[K'), 'line 1\n\tline 2\\x1b[K');
  assert.equal(oneLine('ünïcode ✓ 日本'), 'ünïcode ✓ 日本');
});

test('runs and show print control characters from run data escaped; --json gives the exact strings', () => {
  const tmp = tempRoot('trackside-escape-');
  try {
    append(
      makeRun(tmp.root, ID),
      { t: 1_704_067_200_000, type: 'run', name: `name${EVIL}`, experiment: `exp${EVIL}`, params: { [`key${EVIL}`]: `value${EVIL}` }, tags: [`tag${EVIL}`], host: `host${EVIL}` },
      metricsLine(1_704_067_201_000, 0, { [`loss${EVIL}`]: 1 }),
      { t: 1_704_067_202_000, type: 'note', text: `note${EVIL}\nsecond line` },
      { t: 1_704_067_203_000, type: 'artifact', name: `model${EVIL}`, kind: `kind${EVIL}`, hash: HASH, size: 1 },
      { t: 1_704_067_204_000, type: 'image', key: `img${EVIL}`, step: 0, hash: HASH, format: 'png', size: 1 },
      { t: 1_704_067_205_000, type: 'dataset', name: `data${EVIL}`, path: `/data${EVIL}`, hash: HASH, size: 1, files: [] },
      { t: 1_704_067_206_000, type: 'status', status: 'failed', exit_code: 1, error: `Traceback${EVIL}` },
    );
    const runs = cli(tmp.workspace, 'runs');
    assert.equal(runs.code, 0, runs.stderr);
    assert.doesNotMatch(runs.stdout, ACTIVE);
    assert.ok(runs.stdout.includes('name\\x1b]0;pwned\\x07'), runs.stdout);
    assert.ok(runs.stdout.includes('loss\\x1b]0;pwned\\x07\\x1b[2J\\rX\\x9b31m\\u202eevil=1'), runs.stdout);

    const show = cli(tmp.workspace, 'show', ID);
    assert.equal(show.code, 0, show.stderr);
    assert.doesNotMatch(show.stdout, ACTIVE);
    const escaped = oneLine(EVIL);
    for (const s of ['name', 'exp', 'tag', 'host', 'loss', 'model', 'kind', 'img', 'data', '/data', 'Traceback', 'note']) {
      assert.ok(show.stdout.includes(`${s}${escaped}`), `${s}: ${show.stdout}`);
    }
    assert.ok(show.stdout.includes(`key${escaped} = "value\\u001b]0;pwned\\u0007\\u001b[2J\\rX\\x9b31m\\u202eevil"`), show.stdout);
    assert.ok(show.stdout.includes('  second line\n'), 'a note keeps its lines');

    const json = cli(tmp.workspace, 'show', ID, '--json');
    const run = JSON.parse(json.stdout) as { name: string; params: Record<string, string>; note: string; metrics: { key: string }[] };
    assert.equal(run.name, `name${EVIL}`);
    assert.deepEqual(run.params, { [`key${EVIL}`]: `value${EVIL}` });
    assert.equal(run.note, `note${EVIL}\nsecond line`);
    assert.equal(run.metrics[0].key, `loss${EVIL}`);
    assert.equal((JSON.parse(cli(tmp.workspace, 'runs', '--json').stdout) as { name: string }[])[0].name, `name${EVIL}`);

    // An error message quoting what was typed is escaped too.
    const unknown = cli(tmp.workspace, 'show', `nope${EVIL}`);
    assert.equal(unknown.code, 1);
    assert.doesNotMatch(unknown.stderr, ACTIVE);
  } finally {
    tmp.cleanup();
  }
});
