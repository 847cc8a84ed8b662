// Query speed: a 3-predicate query (a param, a metric summary and the status) over 100,000
// runs — first page of 100 newest matches plus the match count, as the explorer and the runs
// table ask — against the same three predicates written by hand in SQL over the same schema
// (page and count). Median and worst of 15 rounds. Then the Run Explorer's groups under the
// same filter (20 experiments, each with its count of matches) against the same two queries by
// hand: the experiment list and one grouped count.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileQuery } from '../../src/core/query/compile';
import { countRuns, listRuns } from '../../src/core/runQueries';
import { openIndex, type Store } from '../../src/core/store';
import { explorerGroups } from '../../src/views/explorerData';
import { figure, median, type Figure } from './report';

const RUNS = 100_000;
const KEYS = ['train/loss', 'val/loss', 'val/acc', 'lr', 'epoch_time'];
const STATUSES = ['finished', 'finished', 'finished', 'failed', 'stopped', 'crashed'];
const QUERY = 'params.lr > 0.001 and metrics.val/acc.max >= 0.9 and status = finished';
const ROUNDS = 15;

function fill(store: Store): void {
  let seed = 7;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const db = store.engine;
  store.transaction(() => {
    const kids = KEYS.map((k) => db.prepare('INSERT INTO metric_keys (key) VALUES (?)').run(k).lastInsertRowid);
    const run = db.prepare('INSERT INTO runs (rid, id, name, experiment, status, created, started, ended, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const param = db.prepare('INSERT INTO params (rid, key, value, num) VALUES (?, ?, ?, ?)');
    const summary = db.prepare(
      'INSERT INTO summaries (rid, kid, count, nans, min, max, first_step, last_step, last, t, seq) VALUES (?, ?, 100, 0, ?, ?, 0, 99, ?, ?, 0)',
    );
    const tag = db.prepare('INSERT INTO tags (rid, tag) VALUES (?, ?)');
    const t0 = Date.UTC(2025, 0, 1);
    for (let rid = 1; rid <= RUNS; rid++) {
      const started = t0 + rid * 60_000;
      run.run(rid, `run-${String(rid).padStart(6, '0')}`, `trial ${rid}`, `exp${rid % 20}`, STATUSES[rid % STATUSES.length], started, started, started + 3_600_000, started + 3_600_000);
      const lr = 10 ** (-1 - 4 * random());
      param.run(rid, 'lr', JSON.stringify(lr), lr);
      param.run(rid, 'batch', '64', 64);
      param.run(rid, 'opt', JSON.stringify(random() < 0.5 ? 'adam' : 'sgd'), null);
      kids.forEach((kid) => {
        const v = random();
        summary.run(rid, kid, v * 0.5, v, v * 0.9, started);
      });
      if (rid % 10 === 0) tag.run(rid, 'baseline');
    }
  });
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export async function run(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-bench-query-'));
  const store = openIndex(dir);
  try {
    fill(store);
    store.engine.exec('ANALYZE');
    const matching = `FROM runs r WHERE r.deleted = 0 AND r.status = 'finished'
      AND EXISTS (SELECT 1 FROM params p WHERE p.rid = r.rid AND p.key = 'lr' AND p.num > 0.001)
      AND EXISTS (SELECT 1 FROM summaries s JOIN metric_keys k ON k.kid = s.kid WHERE s.rid = r.rid AND k.key = 'val/acc' AND s.max >= 0.9)`;
    const page = store.engine.prepare(`SELECT r.id, r.name, r.status, r.started ${matching} ORDER BY coalesce(r.started, r.created) DESC LIMIT 100`);
    const count = store.engine.prepare(`SELECT count(*) ${matching}`).pluck();
    let matches = 0;
    let plainMatches = 0;
    const ours: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      ours.push(
        time(() => {
          const where = compileQuery(QUERY);
          listRuns(store, { where, limit: 100 });
          matches = countRuns(store, { where });
        }),
      );
      plain.push(
        time(() => {
          page.all();
          plainMatches = count.get() as number;
        }),
      );
    }
    const groupsPlain = store.engine.prepare(
      `SELECT experiment, count(*), sum(status = 'running'), max(coalesce(started, created)) FROM runs WHERE deleted = 0 GROUP BY experiment ORDER BY experiment COLLATE NOCASE NULLS FIRST`,
    );
    const countsPlain = store.engine.prepare(`SELECT r.experiment, count(*) ${matching} GROUP BY r.experiment`);
    const groups: number[] = [];
    const groupsBare: number[] = [];
    let grouped = 0;
    let groupedPlain = 0;
    for (let i = 0; i < ROUNDS; i++) {
      groups.push(time(() => (grouped = explorerGroups(store, { query: QUERY }).reduce((n, g) => n + g.count, 0))));
      groupsBare.push(
        time(() => {
          groupsPlain.all();
          groupedPlain = (countsPlain.raw().all() as [string, number][]).reduce((n, r) => n + r[1], 0);
        }),
      );
    }
    if (grouped !== plainMatches || groupedPlain !== plainMatches) throw new Error(`the explorer's groups hold ${grouped} runs, the hand-written SQL ${groupedPlain}, the count ${plainMatches}`);
    if (matches !== plainMatches) throw new Error(`the query found ${matches} runs, the hand-written SQL ${plainMatches}`);
    const name = `query "${QUERY}" over ${RUNS} runs (page of 100 + count, ${matches} matches)`;
    return [
      figure(`${name}, median`, median(ours), 'ms', median(plain), '<= 25 ms', (v) => v <= 25),
      figure(`${name}, worst`, Math.max(...ours), 'ms', Math.max(...plain), '<= 25 ms', (v) => v <= 25),
      figure(`Run Explorer groups under that query (20 experiments), worst`, Math.max(...groups), 'ms', Math.max(...groupsBare), '<= 100 ms (a filter answers within 0.1 s)', (v) => v <= 100),
    ];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
