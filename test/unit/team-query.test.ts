// The query language on the team index: the cases shared with the local index and Python
// (test/fixtures/query/cases.json) select the same runs from PostgreSQL, errors are the same
// QueryErrors, and hostile values stay bound parameters.
process.env.TZ = 'UTC';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ingestAll } from '../../src/core/ingest';
import { QueryError } from '../../src/core/query/queryError';
import { type Store, openIndex } from '../../src/core/store';
import type { TeamDb } from '../../src/core/team/teamDb';
import { pushRuns } from '../../src/core/team/teamPush';
import { PgParams, compileTeamQuery } from '../../src/core/team/teamQuery';
import { countTeamRuns, listTeamRuns } from '../../src/core/team/teamRuns';
import { append, makeRun, tempRoot, type TempRoot } from './runFolders';
import { type Team, startTeam } from './teamFixtures';

interface Fixture {
  now: number;
  runs: { id: string; events: object[] }[];
  cases: { query: string; ids: string[] }[];
  errors: { query: string; column: number; message: string }[];
}

const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/query/cases.json'), 'utf8')) as Fixture;

let team: Team;
let ws: TempRoot;
let store: Store;
let db: TeamDb;

before(async () => {
  team = await startTeam();
  ws = tempRoot('trackside-team-query-');
  for (const r of fixture.runs) append(makeRun(ws.root, r.id, r.events.length ? (r.events[0] as { t: number }).t : undefined), ...r.events);
  store = openIndex(ws.root);
  ingestAll(store);
  db = team.as();
  await pushRuns(db, { store });
});

after(async () => {
  store.close();
  ws.cleanup();
  await team.stop();
});

test('every shared case selects the same runs from the team index (listing and count)', async () => {
  assert.ok(fixture.cases.length > 100);
  for (const c of fixture.cases) {
    const ids = (await listTeamRuns(db, { query: c.query, now: fixture.now, limit: 1000 })).map((r) => r.id).sort();
    assert.deepEqual(ids, c.ids, c.query);
    assert.equal(await countTeamRuns(db, { query: c.query, now: fixture.now }), c.ids.length, c.query);
  }
});

test('every shared error is the same QueryError on the team index', async () => {
  for (const e of fixture.errors) {
    await assert.rejects(listTeamRuns(db, { query: e.query, now: fixture.now }), (err: unknown) => {
      assert.ok(err instanceof QueryError, e.query);
      assert.equal(err.message, e.message, e.query);
      assert.equal(err.column, e.column, e.query);
      return true;
    });
  }
});

test('values never reach the SQL text; hostile queries leave every table as it was', async () => {
  const payloads = ["x' OR 1=1 --", 'x"; DROP TABLE trackside.runs; --', "'); DELETE FROM trackside.runs; --", "lr') OR 1=1 --", 'a\u0000b'];
  for (const p of payloads) {
    const quoted = JSON.stringify(p);
    for (const q of [`name = ${quoted}`, `params.${quoted} = 1`, `metrics.${quoted}.max > 0`, `tags ~ ${quoted}`, quoted, `dataset = ${quoted}`, `git.commit = ${quoted}`]) {
      const params = new PgParams();
      const sql = compileTeamQuery(q, params);
      assert.ok(!sql.includes(p), `${q} → ${sql}`);
      assert.ok(!/DROP|DELETE|OR 1=1/.test(sql), sql);
      assert.ok(/\$\d+::text/.test(sql), sql);
      await listTeamRuns(db, { query: q });
    }
  }
  assert.equal((await db.query<{ n: number }>('SELECT count(*) AS n FROM trackside.runs'))[0].n, fixture.runs.length);
  assert.ok((await db.query<{ n: number }>('SELECT count(*) AS n FROM trackside.params'))[0].n > 0);
});

test('2,000-term queries run on PostgreSQL too (grouped as balanced trees)', async () => {
  const ors = Array(2000).fill('r').join(' or ');
  assert.deepEqual((await listTeamRuns(db, { query: ors, limit: 1000 })).map((r) => r.id).sort(), (await listTeamRuns(db, { query: 'r', limit: 1000 })).map((r) => r.id).sort());
  const ands = Array(2000).fill('e').join(' ');
  assert.equal(await countTeamRuns(db, { query: ands }), await countTeamRuns(db, { query: 'e' }));
  const list = `params.layers in (${Array.from({ length: 2000 }, (_, i) => i).join(',')})`;
  assert.equal((await listTeamRuns(db, { query: list })).length, 2);
});
