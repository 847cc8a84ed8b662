// Push then read: a team run equals the local run in every field, every point (several
// values at one step, steps out of order, NaN and infinities), every level-of-detail row and
// chart series, and its blobs are in the team folder by hash. A second push sends nothing;
// events appended later are pushed alone.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { blobPath, hashBytes } from '../../src/core/blobs';
import { ingestAll } from '../../src/core/ingest';
import { series } from '../../src/core/series';
import { type Store, openIndex } from '../../src/core/store';
import { initTeam } from '../../src/core/team/teamInit';
import { pushRuns } from '../../src/core/team/teamPush';
import { TEAM_SCHEMA_VERSION } from '../../src/core/team/teamSchema';
import { getTeamRun, listTeamRuns } from '../../src/core/team/teamRuns';
import { teamSeries } from '../../src/core/team/teamSeries';
import type { TeamDb } from '../../src/core/team/teamDb';
import { seriesData } from '../../src/views/seriesData';
import { teamSeriesData } from '../../src/worker/teamViews';
import { append, metricsLine, tempRoot, type TempRoot } from './runFolders';
import { type Team, assertSameAsLocal, richRun, startTeam } from './teamFixtures';

const A = '20240101-000000-aaaaaa';
const B = '20240102-000000-bbbbbb';

let team: Team;
let ws: TempRoot;
let store: Store;
let db: TeamDb;

before(async () => {
  team = await startTeam();
  ws = tempRoot('trackside-team-push-');
  await richRun(ws.root, A);
  await richRun(ws.root, B, { experiment: 'vision', name: 'other' });
  store = openIndex(ws.root);
  ingestAll(store);
  db = team.as();
});

after(async () => {
  store.close();
  ws.cleanup();
  await team.stop();
});

function assertSame(id: string): Promise<void> {
  return assertSameAsLocal(store, db, id);
}

test('push then read: every field, every point, every level-of-detail row equals the local run', async () => {
  const report = await pushRuns(db, { store, chunkBytes: 4096 });
  assert.deepEqual(report.pushed.map((r) => r.id).sort(), [A, B]);
  assert.equal(report.skipped.length, 0);
  assert.deepEqual(report.blobs.missing, []);
  await assertSame(A);
  await assertSame(B);
  const listed = await listTeamRuns(db, {});
  assert.deepEqual(listed.map((r) => r.id), [B, A]);
  assert.equal(listed[0].pushedBy.length > 0, true);
});

test("a chart's answer for a team run (buckets with their edge times and epochs, from level rows pushed in many chunks) equals the local one", async () => {
  for (const buckets of [50, 300, 2000]) {
    for (const range of [{}, { xMin: 3.5, xMax: 2500.5 }, { xMin: 17, xMax: 290 }, { xMin: -5, xMax: 40.25 }]) {
      for (const key of ['loss', 'acc', 'sys/cpu']) {
        const want = seriesData(store, { runId: A, key, buckets, ...range });
        const got = await teamSeriesData(db, { runId: `team:${A}`, key, buckets, ...range });
        assert.deepStrictEqual({ ...got, runId: A }, want, `${key} ${buckets} ${JSON.stringify(range)}`);
      }
    }
  }
});

test('chart series of a team run equal the local ones, whole and zoomed with unaligned edges', async () => {
  for (const maxBuckets of [5, 50, 300, 5000]) {
    for (const range of [{}, { xMin: 3.5, xMax: 2500.5 }, { xMin: 17, xMax: 290 }, { xMin: 1000, xMax: 1000 }, { xMin: -5, xMax: 40.25 }]) {
      for (const key of ['loss', 'acc', 'sys/cpu']) {
        const want = series(store, A, key, { maxBuckets, ...range });
        const got = await teamSeries(db, A, key, { maxBuckets, ...range });
        assert.deepStrictEqual(got, want, `${key} ${maxBuckets} ${JSON.stringify(range)}`);
      }
    }
  }
});

test('blobs are in the team folder by hash: images, artifacts (files of folders), code, the git diff, model weights', async () => {
  const run = (await getTeamRun(db, A))!;
  const hashes = [run.git!.diff!, ...run.images.map((i) => i.hash), ...run.artifacts.flatMap((a) => (a.files.length ? a.files.map((f) => f.hash) : [a.hash])), ...run.code.map((c) => c.hash)];
  assert.equal(hashes.length, 7);
  for (const h of hashes) {
    const bytes = readFileSync(blobPath(team.blobs, h));
    assert.equal(hashBytes(bytes), h);
    assert.deepEqual(bytes, readFileSync(blobPath(ws.root, h)));
  }
});

test('a second push sends nothing; events appended later are pushed alone, and the runs still read as the local ones', async () => {
  const again = await pushRuns(db, { store });
  assert.deepEqual(again.pushed, []);
  assert.equal(again.unchanged, 2);
  assert.equal(again.blobs.copied, 0);

  const file = `${ws.root}/runs/${A}/events.jsonl`;
  append(file, metricsLine(1_704_067_300_000, 2999, { loss: 7, acc: 8 }), metricsLine(1_704_067_300_001, 5, { loss: 9 }), { t: 1_704_067_300_002, type: 'tags', add: ['late'] });
  ingestAll(store);
  const before = (await db.query<{ n: number }>('SELECT count(*) AS n FROM trackside.points'))[0].n;
  const third = await pushRuns(db, { store });
  assert.deepEqual(third.pushed.map((r) => [r.id, r.events, r.points]), [[A, 3, 3]]);
  assert.equal((await db.query<{ n: number }>('SELECT count(*) AS n FROM trackside.points'))[0].n, before + 3);
  await assertSame(A);
  await assertSame(B);
});

test('a team index from before runs.sweep: refused until team init adds the column; the next push fills in the runs pushed before', async () => {
  // Schema 1 as it was, holding runs pushed then (their sweep was not kept, their level rows had no edge times).
  await team.admin.query('DROP INDEX trackside.runs_newest, trackside.summaries_kid_last, trackside.summaries_kid_min, trackside.summaries_kid_max');
  await team.admin.query('CREATE INDEX summaries_kid ON trackside.summaries (kid)');
  await team.admin.query('ALTER TABLE trackside.lod DROP COLUMN first_t, DROP COLUMN first_epoch, DROP COLUMN last_t, DROP COLUMN last_epoch, DROP COLUMN edge_times');
  await team.admin.query('DROP INDEX trackside.runs_sweep');
  await team.admin.query('ALTER TABLE trackside.runs DROP COLUMN sweep');
  await team.admin.query('DELETE FROM trackside.migrations WHERE version > 1');
  await assert.rejects(team.as().ready(), new RegExp(`schema version 1, this Trackside needs ${TEAM_SCHEMA_VERSION}: run "trackside team init"`));
  assert.deepEqual(await initTeam(team.admin), { from: 1, to: TEAM_SCHEMA_VERSION, rolesCreated: [] });
  const upgraded = team.as();
  assert.deepEqual((await listTeamRuns(upgraded, { query: 'sweep = "lr-grid"' })).map((r) => r.id), []);
  const report = await pushRuns(upgraded, { store, models: false });
  assert.deepEqual(report.pushed, []); // their logs were pushed whole already
  assert.deepEqual((await listTeamRuns(upgraded, { query: 'sweep = "lr-grid"' })).map((r) => r.id), [B, A]);
  await assertSameAsLocal(store, upgraded, A);
  // Level rows pushed before edge times were kept: a chart looks its edges up among the points.
  const req = { runId: A, key: 'loss', buckets: 50 };
  assert.deepStrictEqual({ ...(await teamSeriesData(upgraded, { ...req, runId: `team:${A}` })), runId: A }, seriesData(store, req));
});
