// The index worker's team side, in process: connecting, the Team Runs view's groups and
// runs, the panels' requests about "team:<id>" runs (alone and mixed with local ones in one
// Compare), the poll that tells of team runs that changed, and auto push of a running run.
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { ingestAll } from '../../src/core/ingest';
import { processEngine } from '../../src/core/sqlite/loadEngine';
import { type Store, openIndex } from '../../src/core/store';
import type { PrimaryChoice } from '../../src/protocol/explorer';
import type { IngestNotice } from '../../src/protocol/indexWorker';
import type { SeriesData } from '../../src/protocol/series';
import { runView } from '../../src/views/runView';
import { seriesData } from '../../src/views/seriesData';
import { indexJobs, indexMethods } from '../../src/worker/indexMethods';
import { IndexState } from '../../src/worker/indexState';
import { teamRequest } from '../../src/worker/teamMethods';
import { teamOf } from '../../src/worker/teamState';
import { append, makeRun, metricsLine, tempRoot, type TempRoot } from './runFolders';
import { READER, type Team, WRITER, richRun, startTeam } from './teamFixtures';

const A = '20240601-000000-aaaaaa';
const B = '20240602-000000-bbbbbb';

let team: Team;
let ws: TempRoot;
let store: Store;
let state: IndexState;
const notices: IngestNotice[] = [];
const logged: string[] = [];

before(async () => {
  team = await startTeam();
  ws = tempRoot('trackside-team-worker-');
  await richRun(ws.root, A);
  await richRun(ws.root, B, { experiment: 'vision' });
  store = openIndex(ws.root);
  ingestAll(store);
  const events = { ingested: (n: IngestNotice) => notices.push(n), models: () => undefined, reading: () => undefined, log: (t: string) => logged.push(t) };
  state = new IndexState(ws.root, processEngine().driver, events, store);
});

after(async () => {
  await teamOf(state).close();
  store.close();
  ws.cleanup();
  await team.stop();
});

const methods = () => indexMethods(state);
const AUTO: PrimaryChoice = { pinned: {}, fallback: '' };
const push = (ids?: string[]) => indexJobs(state).teamPush({}, ids);
const settings = (who = WRITER, autoPush = false) => ({ url: team.cluster.url(who.user), password: who.password, blobs: team.blobs, autoPush });

async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    assert.ok(Date.now() < deadline, `waited for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('connecting says plainly what went wrong, then connects with the access the role gives', async () => {
  const bad = await methods().teamConfigure({ ...settings(), password: 'not-alices-pw-7f3a' });
  assert.deepEqual([bad.state, bad.kind], ['failed', 'auth']);
  assert.doesNotMatch(bad.error!, /7f3a/);
  await assert.rejects(Promise.resolve().then(() => methods().teamGroups()), /refused the login/);
  const reader = await methods().teamConfigure(settings(READER));
  assert.deepEqual([reader.state, reader.access], ['connected', 'read']);
  const writer = await methods().teamConfigure(settings());
  assert.deepEqual([writer.state, writer.access, writer.target], ['connected', 'write', `alice@127.0.0.1:${team.cluster.port}/team`]);
  const off = await methods().teamConfigure(undefined);
  assert.equal(off.state, 'off');
});

test('push from the worker, then the Team Runs view lists them by experiment and person', async () => {
  await methods().teamConfigure(settings());
  const report = await push();
  assert.equal(report.pushed.length, 2);
  const groups = await methods().teamGroups();
  assert.deepEqual(
    groups.map((g) => [g.experiment, g.runs]),
    [
      ['mnist', 1],
      ['vision', 1],
    ],
  );
  const runs = await methods().teamRuns('vision', groups[1].person, 0, 50, AUTO);
  assert.deepEqual(runs.map((r) => [r.id, r.status, r.primary?.key]), [[`team:${B}`, 'finished', 'loss']]);
  // The view's filter is the query language, compiled for PostgreSQL.
  const filtered = await methods().teamGroups('experiment = vision');
  assert.deepEqual(filtered.map((g) => [g.experiment, g.runs]), [['vision', 1]]);
  assert.deepEqual(await methods().teamRuns('mnist', groups[0].person, 0, 50, AUTO, 'experiment = vision'), []);
  await assert.rejects(methods().teamGroups('params.lr >'), /QueryError|expected|value/i);
});

test('the Team view shows the metric the Run Explorer shows: pinned per experiment, else the setting, else val/ test/ eval/, else the first logged', async () => {
  const groups = await methods().teamGroups();
  const choices: PrimaryChoice[] = [AUTO, { pinned: {}, fallback: 'acc' }, { pinned: { vision: 'sys/cpu' }, fallback: '' }, { pinned: { mnist: 'nope' }, fallback: 'acc' }];
  for (const choice of choices) {
    for (const g of groups) {
      const team = await methods().teamRuns(g.experiment, g.person, 0, 50, choice);
      const local = methods().explorerRuns(g.experiment!, {}, 0, 50, choice);
      assert.deepEqual(
        team.map((r) => [r.id.replace(/^team:/, ''), r.primary?.key, r.primary?.value]),
        local.map((r) => [r.id, r.primary?.key, r.primary?.value]),
        `${g.experiment} with ${JSON.stringify(choice)}`,
      );
    }
  }
});

test('the Runs Table over the team index: the local columns under team ids, pages, a few runs, and a filter compiled for PostgreSQL', async () => {
  const local = methods().tableRows();
  const team = await methods().teamTableRows();
  assert.deepEqual(team.ids, local.ids.map((id) => `team:${id}`));
  assert.deepEqual(
    team.names.map((n) => n.replace(/ \([^)]+\)$/, '')),
    local.names,
  );
  assert.deepEqual({ ...team, ids: local.ids, names: local.names }, local);
  const page = await methods().teamTableRows(undefined, 1);
  assert.deepEqual(page.ids, [team.ids[0]]);
  const one = await methods().teamTableRows([`team:${A}`]);
  assert.deepEqual(one.ids, [`team:${A}`]);
  assert.deepEqual(one.params, methods().tableRows([A]).params);

  assert.deepEqual(await methods().teamMatchingRunIds('experiment = vision'), [`team:${B}`]);
  assert.deepEqual((await methods().teamMatchingRunIds('')).sort(), [...team.ids].sort());
  assert.deepEqual(await methods().teamMatchingRunIds(`name = "x'; DROP TABLE trackside.runs; --"`), []);
  assert.equal((await methods().teamTableRows()).ids.length, 2);
  await assert.rejects(methods().teamMatchingRunIds('params.lr >'), (e: Error) => e.name === 'QueryError');
});

test('panels ask by name: team runs come from the team index, local ones from SQLite, both in one Compare', async () => {
  const local = runView(store, A, 'blob:');
  const view = (await teamRequest(state, 'runView', [`team:${A}`, 'blob:'], (r) => seriesData(store, r))) as typeof local;
  assert.ok(view && local);
  assert.equal(view.id, `team:${A}`);
  assert.match(view.name, /^renamed 20240601-000000-aaaaaa \(.+\)$/);
  assert.deepEqual(view.metrics, local.metrics);
  assert.deepEqual(view.params, local.params);
  assert.match(view.images.find((i) => i.format === 'svg')!.src, /^data:image\/svg\+xml;base64,/);
  assert.equal(teamRequest(state, 'runView', [A, 'blob:'], (r) => seriesData(store, r)), undefined);

  const requests = [
    { runId: A, key: 'loss', buckets: 100 },
    { runId: `team:${A}`, key: 'loss', buckets: 100 },
  ];
  const both = (await teamRequest(state, 'series', [requests], (r) => seriesData(store, r))) as SeriesData[];
  assert.equal(both[1].runId, `team:${A}`);
  assert.deepStrictEqual({ ...both[1], runId: A }, both[0]);
  const detail = (await teamRequest(state, 'getRun', [`team:${A}`], (r) => seriesData(store, r))) as { id: string; code: unknown[] };
  assert.equal(detail.id, `team:${A}`);
  assert.equal(detail.code.length, 1);
  await assert.rejects(teamRequest(state, 'setNote', [`team:${A}`, 'x'], (r) => seriesData(store, r))!, /edited where it was made/);
});

test('a teammate pushing more: the poll tells of the team run, and a live update carries its new points', async () => {
  const end = ((await teamRequest(state, 'series', [[{ runId: `team:${B}`, key: 'loss', buckets: 100 }]], (r) => seriesData(store, r))) as SeriesData[])[0].end!;
  notices.length = 0;
  append(`${ws.root}/runs/${B}/events.jsonl`, metricsLine(1_704_070_000_000, 5000, { loss: 0.001 }));
  ingestAll(store);
  await push([B]);
  await waitFor('a notice naming the team run', () => notices.find((n) => n.changed.includes(`team:${B}`)));
  const update = (await teamRequest(state, 'liveUpdate', [`team:${B}`, [{ key: 'loss', end, buckets: 100 }]], (r) => seriesData(store, r))) as { append: { steps: Float64Array }[] };
  assert.deepEqual([...update.append[0].steps], [5000]);
});

test('auto push sends a running run every few seconds and once more when it ends', { timeout: 60_000 }, async () => {
  await methods().teamConfigure(settings(WRITER, true));
  const id = '20240603-000000-cccccc';
  const file = makeRun(ws.root, id);
  append(file, { t: Date.now(), type: 'run', name: 'live', experiment: 'live' }, metricsLine(Date.now(), 0, { loss: 1 }));
  ingestAll(store);
  const team1 = team.as();
  await waitFor('the running run in the team index', async () => (await team1.query('SELECT 1 FROM trackside.runs WHERE id = $1', [id])).length > 0);
  append(file, metricsLine(Date.now(), 1, { loss: 0.5 }), { t: Date.now(), type: 'status', status: 'finished', exit_code: 0 });
  ingestAll(store);
  await waitFor('the end of the run in the team index', async () => (await team1.query<{ status: string }>('SELECT status FROM trackside.runs WHERE id = $1', [id]))[0].status === 'finished');
  assert.equal((await team1.query<{ n: number }>('SELECT count(*) AS n FROM trackside.points p JOIN trackside.runs r ON r.rid = p.rid WHERE r.id = $1', [id]))[0].n, 2);
});

test('offline: auto push says once in the log that it failed, the run stays local, and it is pushed when the server is back', { timeout: 90_000 }, async () => {
  await methods().teamConfigure(settings(WRITER, true));
  const id = '20240604-000000-dddddd';
  const file = makeRun(ws.root, id);
  append(file, { t: Date.now(), type: 'run', name: 'offline', experiment: 'live' }, metricsLine(Date.now(), 0, { loss: 1 }));
  ingestAll(store);
  team.cluster.down();
  try {
    await waitFor('the failure in the log', () => logged.find((l) => /auto push failed: .*(cannot reach|connection)/.test(l)));
    append(file, metricsLine(Date.now(), 1, { loss: 0.5 }), { t: Date.now(), type: 'status', status: 'finished', exit_code: 0 });
    ingestAll(store);
  } finally {
    team.cluster.start();
  }
  await waitFor('auto push working again', () => logged.find((l) => /auto push works again/.test(l)));
  const failed = logged.filter((l) => /auto push failed/.test(l));
  assert.equal(new Set(failed).size, failed.length, 'each failure told once, not every round');
  const reader = team.as();
  await waitFor('the whole run in the team index', async () => (await reader.query<{ status: string }>('SELECT status FROM trackside.runs WHERE id = $1', [id]))[0]?.status === 'finished');
});
