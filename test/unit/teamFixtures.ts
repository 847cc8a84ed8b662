// Test helpers for the team index: a throwaway cluster with the schema and a writer and a
// reader login, and run folders that use every event type (several values at one step,
// steps out of order, NaN and infinities, blobs of each kind).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobPath, hashBytes, putBytes } from '../../src/core/blobs';
import { readFileSync } from 'node:fs';
import { points } from '../../src/core/metricQueries';
import { getRun } from '../../src/core/runQueries';
import type { Store } from '../../src/core/store';
import { getTeamRun } from '../../src/core/team/teamRuns';
import { type TeamDb, openTeam } from '../../src/core/team/teamDb';
import { initTeam } from '../../src/core/team/teamInit';
import { ADMIN_PASSWORD, type Cluster, startCluster } from '../support/pgCluster';
import { append, makeRun, metricsLine } from './runFolders';

export const WRITER = { user: 'alice', password: 'alice-pw' };
export const READER = { user: 'bob', password: 'bob-pw' };

export interface Team {
  cluster: Cluster;
  /** The team's blob folder. */
  blobs: string;
  admin: TeamDb;
  /** A connection as `who` (default the writer), closed by stop(). */
  as(who?: { user: string; password: string }): TeamDb;
  stop(): Promise<void>;
}

export async function startTeam(): Promise<Team> {
  const cluster = await startCluster();
  const blobs = mkdtempSync(join(tmpdir(), 'trackside-team-blobs-'));
  const admin = openTeam({ url: cluster.url(), password: ADMIN_PASSWORD, blobs });
  await initTeam(admin);
  cluster.addUser(WRITER.user, WRITER.password, 'trackside_writer');
  cluster.addUser(READER.user, READER.password, 'trackside_reader');
  const open: TeamDb[] = [admin];
  return {
    cluster,
    blobs,
    admin,
    as(who = WRITER) {
      const db = openTeam({ url: cluster.url(who.user), password: who.password, blobs });
      open.push(db);
      return db;
    },
    async stop() {
      for (const db of open) await db.close();
      cluster.stop();
      rmSync(blobs, { recursive: true, force: true });
    },
  };
}

const T0 = 1_704_067_200_000;

/** A run using every event type; returns its events.jsonl. */
export async function richRun(root: string, id: string, opts: { experiment?: string; name?: string } = {}): Promise<string> {
  const file = makeRun(root, id);
  const diff = await putBytes(root, `diff of ${id}\n`);
  const img = await putBytes(root, `png of ${id}`);
  const art = await putBytes(root, `weights of ${id}`);
  const a1 = await putBytes(root, `folder file 1 of ${id}`);
  const a2 = await putBytes(root, `folder file 2 of ${id}`);
  const code = await putBytes(root, `print("${id}")\n`);
  const svg = await putBytes(root, '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>');
  append(
    file,
    {
      t: T0,
      type: 'run',
      name: opts.name ?? `run ${id}`,
      experiment: opts.experiment ?? 'mnist',
      command: ['python', 'train.py', '--lr', '0.1'],
      cwd: '/work',
      script: 'train.py',
      git: { commit: 'a'.repeat(40), branch: 'main', dirty: true, diff: diff.hash },
      python: { executable: '/usr/bin/python3', version: '3.11.2' },
      host: 'box1',
      pid: 4242,
      params: { lr: 0.1, opt: 'adam', layers: 3, pretrained: true, none: null, nested: { a: [1, 2] }, __proto__x: 'p' },
      tags: ['baseline', 'gpu'],
      source: 'client',
      sweep: { id: '20231231-000000-5eeb01', name: 'lr-grid', trial: 1 },
    },
    { t: T0 + 1, type: 'params', values: { lr: 0.05, batch: 32 } },
    metricsLine(T0 + 2, 0, { loss: 1, acc: Number.NaN }, 0),
    metricsLine(T0 + 3, 1, { loss: Number.POSITIVE_INFINITY, acc: 0.5 }, 0.5),
    metricsLine(T0 + 4, 1, { loss: 0.8 }),
    metricsLine(T0 + 5, 1, { loss: Number.NEGATIVE_INFINITY }),
    'not json\n',
    { t: T0 + 6, type: 'sys', values: { cpu: 12.5, mem: 40 } },
    { t: T0 + 7, type: 'sys', values: { cpu: 'NaN', mem: 41 } },
    { t: T0 + 8, type: 'image', key: 'samples', step: 0, hash: img.hash, format: 'png', size: img.size, width: 2, height: 2 },
    { t: T0 + 9, type: 'image', key: 'vector', step: 3, hash: svg.hash, format: 'svg', size: svg.size },
    { t: T0 + 10, type: 'artifact', name: 'model.pt', kind: 'model', hash: art.hash, size: art.size, source: '/tmp/model.pt' },
    {
      t: T0 + 11,
      type: 'artifact',
      name: 'ckpt',
      kind: 'file',
      hash: 'f'.repeat(64),
      size: a1.size + a2.size,
      files: [
        { path: 'b.bin', hash: a2.hash, size: a2.size },
        { path: 'a.bin', hash: a1.hash, size: a1.size },
      ],
    },
    { t: T0 + 12, type: 'dataset', name: 'iris', path: 'data/iris.csv', hash: 'd'.repeat(64), size: 150, files: [{ path: 'iris.csv', hash: 'd'.repeat(64), size: 150 }], columns: { sepal: { mean: 5.8 } } },
    { t: T0 + 13, type: 'code', root: '/work', files: [{ path: 'train.py', hash: code.hash, size: code.size }] },
    { t: T0 + 14, type: 'tags', add: ['best'], remove: ['gpu'] },
    { t: T0 + 15, type: 'note', text: 'first try\nsecond line' },
    { t: T0 + 16, type: 'rename', name: `renamed ${id}` },
    { t: T0 + 17, type: 'model', name: 'churn', version: 1, hash: art.hash, size: art.size, weights: 'model.pt', code: [{ path: 'train.py', hash: code.hash, size: code.size }] },
    { t: T0 + 18, type: 'model_ref', name: 'churn', version: 1, ref: 'churn@production', hash: art.hash },
  );
  // Steps out of order, back into buckets already written, several values at one step.
  const lines: string[] = [];
  for (let step = 2; step < 3000; step++) lines.push(metricsLine(T0 + 100 + step, step, { loss: 1 / step, acc: step % 7 === 0 ? Number.NaN : step / 3000 }, step / 100));
  for (let step = 10; step < 400; step += 37) lines.push(metricsLine(T0 + 4000 + step, step, { loss: -step }));
  lines.push(metricsLine(T0 + 5000, 1, { loss: 42 }));
  append(file, ...lines, { t: T0 + 6000, type: 'status', status: 'finished', exit_code: 0 });
  return file;
}

/** A long run: `steps` steps of three keys, every 97th step logged twice. */
export function bigRun(root: string, id: string, steps: number): string {
  const file = makeRun(root, id);
  const lines: string[] = [JSON.stringify({ t: T0, type: 'run', name: `big ${id}`, experiment: 'big', params: { lr: 0.1 } }) + '\n'];
  for (let step = 0; step < steps; step++) {
    lines.push(metricsLine(T0 + step, step, { loss: 1 / (step + 1), acc: step / steps, lr: 0.1 }));
    if (step % 97 === 0) lines.push(metricsLine(T0 + step, step, { loss: 2 / (step + 1) }));
  }
  lines.push(JSON.stringify({ t: T0 + steps, type: 'status', status: 'finished', exit_code: 0 }) + '\n');
  append(file, ...lines);
  return file;
}

/** Asserts the team index holds run `id` exactly as the local index does: every field, point, level-of-detail row and blob. */
export async function assertSameAsLocal(store: Store, db: TeamDb, id: string): Promise<void> {
  const local = getRun(store, id)!;
  const got = await getTeamRun(db, id);
  assert.ok(got, `${id} is in the team index`);
  const { pushedBy, pushedHost, ...rest } = got;
  assert.ok(pushedBy && pushedHost);
  assert.deepStrictEqual(rest, local);
  for (const m of local.metrics) {
    const rows = await db.query<{ step: number; value: number | null; t: number | null; epoch: number | null }>(
      `SELECT p.step, p.value, p.t, p.epoch FROM trackside.points p JOIN trackside.runs r ON r.rid = p.rid JOIN trackside.metric_keys k ON k.kid = p.kid
       WHERE r.id = $1 AND k.key = $2 ORDER BY p.step, p.seq`,
      [id, m.key],
    );
    const p = points(store, id, m.key);
    assert.deepStrictEqual(
      { steps: rows.map((r) => r.step), values: rows.map((r) => r.value ?? Number.NaN), t: rows.map((r) => r.t ?? Number.NaN), epochs: rows.map((r) => r.epoch ?? Number.NaN) },
      { steps: [...p.steps], values: [...p.values], t: [...p.t], epochs: [...p.epochs] },
      m.key,
    );
  }
  const localLod = store.engine
    .prepare('SELECT k.key, l.level, l.bucket, l.count, l.nans, l.min, l.max, l.first_step, l.last_step, l.first, l.last FROM lod l JOIN metric_keys k ON k.kid = l.kid JOIN runs r ON r.rid = l.rid WHERE r.id = ? ORDER BY k.key, l.level, l.bucket')
    .all(id);
  const teamLod = await db.query(
    `SELECT k.key, l.level, l.bucket, l.count, l.nans, l.min, l.max, l.first_step, l.last_step, l.first, l.last FROM trackside.lod l
     JOIN trackside.metric_keys k ON k.kid = l.kid JOIN trackside.runs r ON r.rid = l.rid WHERE r.id = $1 ORDER BY k.key COLLATE "C", l.level, l.bucket`,
    [id],
  );
  assert.deepStrictEqual(teamLod.map((r) => ({ ...r })), localLod.map((r) => ({ ...(r as object) })));
  const hashes = [local.git?.diff, ...local.images.map((i) => i.hash), ...local.artifacts.flatMap((a) => (a.files.length ? a.files.map((f) => f.hash) : [a.hash])), ...local.code.map((c) => c.hash)];
  for (const h of hashes) if (h && db.blobs) assert.equal(hashBytes(readFileSync(blobPath(db.blobs, h))), h);
}
