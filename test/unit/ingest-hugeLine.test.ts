// One enormous line in an events.jsonl must cost neither the other runs nor the machine's
// memory: it is one bad line, streamed past, on every command.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { append, makeRun, tempRoot } from './runFolders';

const CLI = join(resolve(__dirname, '../..'), 'src/cli.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const A = '20240101-000000-aaaaaa';
const B = '20240102-000000-bbbbbb';
const HUGE = 600 * 1024 * 1024;
/** Far below the line itself: the line is never held whole. */
const MAX_RSS_BYTES = 400 * 1024 * 1024;

/** Runs the CLI; its peak memory comes back from a preload that prints it on exit. */
function cli(cwd: string, preload: string, ...args: string[]): { code: number | null; stdout: string; stderr: string; maxRss: number } {
  const env = { ...process.env };
  delete env.TRACKSIDE_HOME;
  const r = spawnSync(process.execPath, ['--require', preload, '--import', TSX, CLI, ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  const m = /maxrss=(\d+)/.exec(r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, maxRss: m ? Number(m[1]) * 1024 : NaN };
}

/** Appends `bytes` of 'x' in 1 MB writes (the file, never a string, holds the line). */
function appendFiller(file: string, bytes: number): void {
  const block = Buffer.alloc(1024 * 1024, 'x');
  const fd = openSync(file, 'a');
  try {
    for (let left = bytes; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(block.length, left));
  } finally {
    closeSync(fd);
  }
}

test('a 600 MB line, torn and then finished, is one bad line: every run still lists, memory stays bounded', () => {
  const tmp = tempRoot('trackside-huge-');
  try {
    const preload = join(tmp.workspace, 'maxrss.cjs');
    writeFileSync(preload, "process.on('exit', () => process.stderr.write(`maxrss=${process.resourceUsage().maxRSS}\\n`));\n");
    const a = makeRun(tmp.root, A);
    append(a, { t: 1_704_067_200_000, type: 'run', name: 'huge' });
    appendFileSync(a, '{"t":1704067201000,"type":"note","text":"');
    appendFiller(a, HUGE);
    append(makeRun(tmp.root, B), { t: 1_704_153_600_000, type: 'run', name: 'fine' });

    // Torn (no newline yet): too long already, so reported now rather than held.
    const first = cli(tmp.workspace, preload, 'runs', '--json');
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual((JSON.parse(first.stdout) as { name: string }[]).map((r) => r.name), ['fine', 'huge']);
    assert.match(first.stderr, /skipped 1 malformed/);
    assert.ok(first.maxRss < MAX_RSS_BYTES, `peak memory ${first.maxRss} bytes`);

    // The next command has nothing new to read.
    const again = cli(tmp.workspace, preload, 'ingest', '--json');
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout).runsChanged, []);
    assert.ok(again.maxRss < MAX_RSS_BYTES, `peak memory ${again.maxRss} bytes`);

    // The line ends; what follows it is read, with its own line number.
    appendFileSync(a, '"}\n' + JSON.stringify({ t: 1_704_067_300_000, type: 'status', status: 'finished', exit_code: 0 }) + '\n');
    const show = cli(tmp.workspace, preload, 'show', A, '--json');
    assert.equal(show.code, 0, show.stderr);
    const run = JSON.parse(show.stdout) as { status: string; log: { lines: number; badCount: number; bad: { line: number; message: string }[] } };
    assert.equal(run.status, 'finished');
    assert.deepEqual([run.log.lines, run.log.badCount], [3, 1]);
    assert.deepEqual(run.log.bad, [{ line: 2, message: 'line longer than 16 MB, skipped' }]);
    assert.ok(show.maxRss < MAX_RSS_BYTES, `peak memory ${show.maxRss} bytes`);

    // A rebuild reads it from scratch the same way.
    const rebuilt = cli(tmp.workspace, preload, 'rebuild', '--json');
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const report = JSON.parse(rebuilt.stdout) as { runsSeen: number; bad: { file: string; line: number }[] };
    assert.equal(report.runsSeen, 2);
    assert.deepEqual(report.bad.map((b) => [b.file, b.line]), [[a, 2]]);
    assert.ok(rebuilt.maxRss < MAX_RSS_BYTES, `peak memory ${rebuilt.maxRss} bytes`);
  } finally {
    tmp.cleanup();
  }
});
