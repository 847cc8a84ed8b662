// The team index on a throwaway PostgreSQL 15 server on this machine: push of a 1M-point run
// against a bare COPY of the same point rows; a 3-predicate query over 100,000 team runs
// against reading every run with its params (filtering client-side); the chart view of the
// 1M-point team run against reading its points; a second push of 1,000 unchanged runs
// against their first push. The server shares the machine's cores with this process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { ingestAll } from '../../src/core/ingest';
import { openIndex } from '../../src/core/store';
import { type TeamDb, openTeam } from '../../src/core/team/teamDb';
import { initTeam } from '../../src/core/team/teamInit';
import { pushRuns } from '../../src/core/team/teamPush';
import { countTeamRuns, listTeamRuns } from '../../src/core/team/teamRuns';
import { teamSeriesData } from '../../src/worker/teamViews';
import { ADMIN_PASSWORD, startCluster } from '../support/pgCluster';
import { makeRun } from '../unit/runFolders';
import { figure, median, type Figure } from './report';

const POINTS = 1_000_000;
const BIG = '20240101-000000-teambig';
const RUNS = 100_000;
const SMALL = 1_000;
const QUERY = 'params.lr > 0.001 and metrics.val/acc.max >= 0.9 and status = finished';

/** One run of POINTS points of one key (a line per step, as the client writes them). */
function bigRun(root: string): void {
  const parts: string[] = [JSON.stringify({ t: 1_700_000_000_000, type: 'run', name: 'long', experiment: 'bench' }) + '\n'];
  let seed = 7;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let step = 0; step < POINTS; step++) {
    parts.push(`{"t":${1_700_000_000_000 + step},"type":"metrics","step":${step},"values":{"train/loss":${Math.exp(-step / 200_000) + 0.05 * random()}}}\n`);
  }
  parts.push(JSON.stringify({ t: 1_700_001_000_000, type: 'status', status: 'finished', exit_code: 0 }) + '\n');
  writeFileSync(makeRun(root, BIG), parts.join(''));
}

function smallRuns(root: string): void {
  for (let i = 0; i < SMALL; i++) {
    const id = `20240201-000000-s${String(i).padStart(5, '0')}`;
    const lines = [JSON.stringify({ t: 1_700_000_000_000 + i, type: 'run', name: `small ${i}`, experiment: 'many', params: { lr: 0.01 } })];
    for (let step = 0; step < 20; step++) lines.push(JSON.stringify({ t: 1_700_000_000_000 + i + step, type: 'metrics', step, values: { loss: 1 / (step + 1) } }));
    lines.push(JSON.stringify({ t: 1_700_000_100_000, type: 'status', status: 'finished', exit_code: 0 }));
    writeFileSync(makeRun(root, id), lines.join('\n') + '\n');
  }
}

/** 100,000 runs with an lr param and metric summaries, written in PostgreSQL itself. */
async function manyRuns(db: TeamDb): Promise<void> {
  await db.query(`INSERT INTO trackside.metric_keys (key) VALUES ('val/acc'), ('val/loss') ON CONFLICT DO NOTHING`);
  await db.query(
    `INSERT INTO trackside.runs (id, name, experiment, status, created, started, ended, updated, pushed_by, pushed_host, change)
     SELECT 'q' || lpad(g::text, 7, '0'), 'run ' || g, 'exp' || (g % 20),
       (ARRAY['finished','finished','finished','failed','stopped','crashed'])[1 + g % 6],
       1.7e12 + g * 60000.0, 1.7e12 + g * 60000.0, 1.7e12 + g * 60000.0 + 3600000, 1.7e12 + g * 60000.0 + 3600000, 'person' || (g % 7), 'host', g
     FROM generate_series(1, $1::int) g`,
    [RUNS],
  );
  await db.query(
    `INSERT INTO trackside.params (rid, key, value, num, txt, is_text)
     SELECT rid, 'lr', v::text, v, v::text, false FROM (SELECT rid, power(10, -1 - 4 * random()) AS v FROM trackside.runs WHERE id LIKE 'q%') x`,
  );
  await db.query(
    `INSERT INTO trackside.summaries (rid, kid, count, nans, min, max, first_step, last_step, last_seq, last, t, seq)
     SELECT r.rid, k.kid, 100, 0, v * 0.5, v, 0, 99, 0, v, 0, 1
     FROM (SELECT rid, random() AS v FROM trackside.runs WHERE id LIKE 'q%') r CROSS JOIN trackside.metric_keys k WHERE k.key IN ('val/acc', 'val/loss')`,
  );
  await db.query('ANALYZE');
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export async function run(): Promise<Figure[]> {
  const cluster = await startCluster({ settings: { shared_buffers: '256MB', max_wal_size: '4GB', synchronous_commit: 'off' } });
  const dir = mkdtempSync(join(tmpdir(), 'trackside-bench-team-'));
  const blobs = join(dir, 'team-blobs');
  const admin = openTeam({ url: cluster.url(), password: ADMIN_PASSWORD, blobs });
  try {
    await initTeam(admin);
    const out: Figure[] = [];

    // 1. Push of a 1M-point run, against a bare COPY of the same point rows.
    const ws = join(dir, 'big');
    bigRun(ws);
    const store = openIndex(ws);
    ingestAll(store);
    const pushMs = await timed(() => pushRuns(admin, { store, ids: [BIG] }));
    store.close();
    await admin.query('CREATE TABLE bare_points (LIKE trackside.points INCLUDING ALL)');
    const rows = await admin.query<{ rid: number; kid: number; step: number; seq: number; value: number | null; t: number | null; epoch: number | null }>(
      'SELECT p.rid, p.kid, p.step, p.seq, p.value, p.t, p.epoch FROM trackside.points p JOIN trackside.runs r ON r.rid = p.rid WHERE r.id = $1',
      [BIG],
    );
    if (rows.length !== POINTS) throw new Error(`the team index holds ${rows.length} points of the pushed run`);
    const text = function* (): Generator<string> {
      const cell = (x: number | null): string => (x === null ? '\\N' : String(x));
      for (let i = 0; i < rows.length; i += 10_000) {
        yield rows.slice(i, i + 10_000).map((r) => `${r.rid}\t${r.kid}\t${r.step}\t${r.seq}\t${cell(r.value)}\t${cell(r.t)}\t${cell(r.epoch)}\n`).join('');
      }
    };
    const copyMs = await timed(() => admin.withClient((c) => pipeline(Readable.from(text()), c.query(copyFrom('COPY bare_points FROM STDIN')))));
    await admin.query('DROP TABLE bare_points');
    out.push(figure(`push of a ${POINTS / 1e6}M-point run (events read, points by COPY, level-of-detail rows)`, POINTS / (pushMs / 1000), 'points/s', POINTS / (copyMs / 1000), 'ratio >= 0.5 (of a bare COPY of its rows)', (_v, r) => r >= 0.5));

    // 2. Series view of that run, from its level-of-detail rows, against reading its points.
    const req = { runId: `team:${BIG}`, key: 'train/loss', buckets: 2000 };
    await teamSeriesData(admin, req);
    const viewMs: number[] = [];
    const allMs: number[] = [];
    for (let i = 0; i < 7; i++) {
      viewMs.push(await timed(() => teamSeriesData(admin, req)));
      allMs.push(await timed(() => admin.query('SELECT p.step, p.value FROM trackside.points p JOIN trackside.runs r ON r.rid = p.rid JOIN trackside.metric_keys k ON k.kid = p.kid WHERE r.id = $1 AND k.key = $2 ORDER BY p.step, p.seq', [BIG, 'train/loss'])));
    }
    out.push(figure(`chart view of a ${POINTS / 1e6}M-point team run (<= 2000 buckets)`, median(viewMs), 'ms', median(allMs), '<= 100 ms', (v) => v <= 100));

    // 3. A 3-predicate query over 100,000 team runs (page of 100 + count), against reading every run and its params.
    await manyRuns(admin);
    const queryMs: number[] = [];
    const plainMs: number[] = [];
    let matches = 0;
    for (let i = 0; i < 9; i++) {
      queryMs.push(
        await timed(async () => {
          await listTeamRuns(admin, { query: QUERY, limit: 100 });
          matches = await countTeamRuns(admin, { query: QUERY });
        }),
      );
      plainMs.push(await timed(() => admin.query("SELECT r.id, r.name, r.status, p.value FROM trackside.runs r LEFT JOIN trackside.params p ON p.rid = r.rid AND p.key = 'lr'")));
    }
    out.push(figure(`team query "${QUERY}" over ${RUNS} runs (page of 100 + count, ${matches} matches)`, median(queryMs), 'ms', median(plainMs), '<= 200 ms', (v) => v <= 200));

    // 4. A second push of 1,000 unchanged runs, against their first push.
    const many = join(dir, 'many');
    smallRuns(many);
    const manyStore = openIndex(many);
    ingestAll(manyStore);
    const firstMs = await timed(() => pushRuns(admin, { store: manyStore }));
    let sent = -1;
    const againMs = await timed(async () => {
      const r = await pushRuns(admin, { store: manyStore });
      sent = r.pushed.length;
    });
    manyStore.close();
    if (sent !== 0) throw new Error(`the second push sent ${sent} runs`);
    out.push(figure(`second push of ${SMALL} unchanged runs (nothing sent)`, againMs, 'ms', firstMs, '<= 1000 ms', (v) => v <= 1000));
    return out;
  } finally {
    await admin.close();
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
