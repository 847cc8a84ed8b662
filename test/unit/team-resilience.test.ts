// Pushes that are cut off or crowded: the client killed with SIGKILL mid-push, the server
// restarted (crash-like) mid-push, then a push again gives exactly the local rows (no
// duplicates, no holes); eight pushers at once into one index; two pushers of the same run.
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { eventsPath, runDir } from '../../src/core/paths';
import { ingestAll } from '../../src/core/ingest';
import { type Store, openIndex } from '../../src/core/store';
import type { TeamDb } from '../../src/core/team/teamDb';
import { pushRuns } from '../../src/core/team/teamPush';
import { tempRoot, type TempRoot } from './runFolders';
import { type Team, WRITER, assertSameAsLocal, bigRun, richRun, startTeam } from './teamFixtures';

const TSX = pathToFileURL(require.resolve('tsx')).href;
const CHILD = resolve(__dirname, 'teamPushChild.ts');

let team: Team;
const cleanup: (() => void)[] = [];

before(async () => {
  team = await startTeam();
});

after(async () => {
  for (const c of cleanup) c();
  await team.stop();
});

function workspace(prefix: string): TempRoot {
  const ws = tempRoot(prefix);
  cleanup.push(() => ws.cleanup());
  return ws;
}

function pushInChild(root: string, chunkBytes: number): { child: ChildProcess; done: Promise<{ code: number | null; out: string }> } {
  const child = spawn(process.execPath, ['--import', TSX, CHILD, root, String(chunkBytes)], {
    env: { ...process.env, TRACKSIDE_TEAM_URL: team.cluster.url(WRITER.user), PGPASSWORD: WRITER.password, TRACKSIDE_TEAM_BLOBS: team.blobs },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number | null; out: string }>((res) => child.on('exit', (code) => res({ code, out })));
  return { child, done };
}

/** Waits until the team index holds part of run `id`'s log, and returns how much. */
async function partlyPushed(db: TeamDb, id: string, size: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const offset = (await db.query<{ log_offset: number }>('SELECT log_offset FROM trackside.runs WHERE id = $1', [id]))[0]?.log_offset ?? 0;
    if (offset > 0) {
      assert.ok(offset < size, 'the push was still under way');
      return offset;
    }
    assert.ok(Date.now() < deadline, 'the push started');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Points stored and points the summaries count agree: only whole chunks were committed. */
async function consistent(db: TeamDb, id: string): Promise<void> {
  const [row] = await db.query<{ stored: number; counted: number }>(
    `SELECT (SELECT count(*) FROM trackside.points p WHERE p.rid = r.rid) AS stored, (SELECT coalesce(sum(count), 0)::int8 FROM trackside.summaries s WHERE s.rid = r.rid) AS counted
     FROM trackside.runs r WHERE r.id = $1`,
    [id],
  );
  assert.equal(row.stored, row.counted);
}

test('kill -9 of the client mid-push, then push again: exactly the local rows', { timeout: 180_000 }, async () => {
  const ws = workspace('trackside-team-kill-');
  const id = '20240301-000000-c0ffee';
  bigRun(ws.root, id, 60_000);
  await richRun(ws.root, '20240301-000001-c0ffee');
  const size = statSync(eventsPath(runDir(ws.root, id))).size;
  const db = team.as();
  const { child, done } = pushInChild(ws.root, 128 * 1024);
  const at = await partlyPushed(db, id, size);
  child.kill('SIGKILL');
  const killed = await done;
  assert.equal(killed.code, null, 'the client was killed');
  await consistent(db, id);
  assert.ok((await db.query<{ log_offset: number }>('SELECT log_offset FROM trackside.runs WHERE id = $1', [id]))[0].log_offset >= at);

  const store = openIndex(ws.root);
  ingestAll(store);
  try {
    const again = await pushRuns(db, { store });
    assert.equal(again.pushed.find((r) => r.id === id)!.bytes + at <= size, true);
    await assertSameAsLocal(store, db, id);
    await assertSameAsLocal(store, db, '20240301-000001-c0ffee');
    // Blobs copied under a temp name by the killed client are never mistaken for blobs.
    for (const dir of readdirSync(join(team.blobs, 'blobs', 'sha256'))) {
      for (const f of readdirSync(join(team.blobs, 'blobs', 'sha256', dir))) assert.ok(f.startsWith('.tmp-') || /^[0-9a-f]{62}$/.test(f), f);
    }
  } finally {
    store.close();
  }
});

test('the server restarted mid-push: the client says so plainly; pushed again, exactly the local rows', { timeout: 180_000 }, async () => {
  const ws = workspace('trackside-team-restart-');
  const id = '20240302-000000-beef00';
  bigRun(ws.root, id, 60_000);
  const size = statSync(eventsPath(runDir(ws.root, id))).size;
  const db = team.as();
  const { done } = pushInChild(ws.root, 128 * 1024);
  await partlyPushed(db, id, size);
  team.cluster.restart('immediate');
  const cut = await done;
  assert.equal(cut.code, 1, cut.out);
  const error = JSON.parse(cut.out) as { error: string; message: string };
  assert.ok(['lost', 'unreachable'].includes(error.error), cut.out);
  assert.match(error.message, /push again/);
  await consistent(db, id);

  const store = openIndex(ws.root);
  ingestAll(store);
  try {
    await pushRuns(db, { store });
    await assertSameAsLocal(store, db, id);
    assert.deepEqual((await pushRuns(db, { store })).pushed, []);
  } finally {
    store.close();
  }
});

test('eight pushers at once into one index, and two pushers of the same run', { timeout: 180_000 }, async () => {
  const spaces: { ws: TempRoot; store: Store; db: TeamDb; ids: string[] }[] = [];
  for (let i = 0; i < 8; i++) {
    const ws = workspace(`trackside-team-many-${i}-`);
    const ids = [`20240400-00000${i}-aaaa0${i}`, `20240400-00000${i}-bbbb0${i}`];
    await richRun(ws.root, ids[0], { experiment: `exp${i % 3}` });
    bigRun(ws.root, ids[1], 5_000 + i * 100);
    const store = openIndex(ws.root);
    ingestAll(store);
    spaces.push({ ws, store, db: team.as(), ids });
  }
  // A copy of one workspace's run folder elsewhere: the same run, pushed from two places.
  const twin = workspace('trackside-team-twin-');
  cpSync(join(spaces[0].ws.root, 'runs', spaces[0].ids[1]), join(twin.root, 'runs', spaces[0].ids[1]), { recursive: true });
  const twinStore = openIndex(twin.root);
  ingestAll(twinStore);
  try {
    const reports = await Promise.all([
      ...spaces.map((s) => pushRuns(s.db, { store: s.store, chunkBytes: 32 * 1024 })),
      pushRuns(team.as(), { store: twinStore, chunkBytes: 32 * 1024 }),
    ]);
    for (const r of reports) assert.deepEqual(r.skipped, []);
    for (const s of spaces) for (const id of s.ids) await assertSameAsLocal(s.store, s.db, id);
    const runs = (await team.admin.query<{ n: number }>("SELECT count(*) AS n FROM trackside.runs WHERE id LIKE '20240400-%'"))[0].n;
    assert.equal(runs, 16);
  } finally {
    twinStore.close();
    for (const s of spaces) s.store.close();
  }
});
