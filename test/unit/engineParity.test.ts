// One index file, two engines: an index written through better-sqlite3 opens and reads the same
// through node:sqlite, and the other way round. The other engine runs in the other Node (this
// machine's Node 20 has no node:sqlite; better-sqlite3 is built for Node 20 only), started as
// the CLI, so each side is the product as shipped.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { append, makeRun, metricsLine, tempRoot } from './runFolders';

const REPO = resolve(__dirname, '../..');
const CACHE = process.env.TRACKSIDE_CACHE ?? join(homedir(), '.cache', 'trackside');

/** A Node for each engine: better-sqlite3 on this machine's Node 20, node:sqlite on Node 24. */
const NODES = { 'better-sqlite3': process.execPath, builtin: join(CACHE, 'code-server-4.139.1', 'node') };
const onNode20 = process.versions.node.startsWith('20.');
const noNode24 = existsSync(NODES.builtin) ? undefined : `no Node 24 at ${NODES.builtin} (bash scripts/provision-code-server.sh 4.139.1)`;
// The suite's run on Node 20 checks both ways; its second run, on Node 24, has nothing to add.
if (onNode20 && noNode24 && process.env.CI) throw new Error(`engine parity cannot run in CI: ${noNode24}`);
const missing = onNode20 ? noNode24 : 'runs from Node 20, where better-sqlite3 is built';

function cli(engine: keyof typeof NODES, root: string, ...args: string[]): string {
  const r = spawnSync(NODES[engine], ['--import', 'tsx', join(REPO, 'src/cli.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, TRACKSIDE_HOME: root, TRACKSIDE_SQLITE_ENGINE: engine, TZ: 'UTC' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `${engine} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function fixture(root: string): void {
  for (const [i, id] of ['20250101-000000-aaaaaa', '20250102-000000-bbbbbb'].entries()) {
    const lines = [JSON.stringify({ t: 1000 + i, type: 'run', name: `run ${i}`, experiment: 'parity', params: { lr: 0.1 * (i + 1), deep: { x: [1, 2] } }, tags: ['t'] }) + '\n'];
    // Repeated steps, NaN and infinities, an integer beyond 2^53 as a step.
    for (let s = 0; s < 50; s++) lines.push(metricsLine(2000 + s, Math.floor(s / 5), { loss: s === 7 ? Number.NaN : 1 / (s + 1), big: s === 9 ? Infinity : s }));
    lines.push(metricsLine(9000, 2 ** 60, { late: 1 }));
    lines.push(JSON.stringify({ t: 9999, type: 'status', status: 'finished', exit_code: 0 }) + '\n');
    append(makeRun(root, id), lines.join(''));
  }
}

for (const [writer, reader] of [
  ['better-sqlite3', 'builtin'],
  ['builtin', 'better-sqlite3'],
] as const) {
  test(`an index written through ${writer} reads the same through ${reader}`, { skip: missing }, () => {
    const tmp = tempRoot();
    try {
      fixture(tmp.root);
      assert.match(cli(writer, tmp.root, 'ingest', '--json'), /"points": ?202/);
      const commands = [['runs', '--json'], ['show', 'run 0', '--json'], ['export', '--run', 'run 1', '--metrics']];
      const shows = (engine: keyof typeof NODES) => commands.map((c) => cli(engine, tmp.root, ...c));
      const written = shows(writer);
      // The reader opens the file the writer made (nothing new to ingest), then answers alike.
      assert.deepEqual(shows(reader), written);
      assert.match(written[2], /^late,1152921504606847000,1,/m);
    } finally {
      tmp.cleanup();
    }
  });
}
