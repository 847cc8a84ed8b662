// The index in its worker thread, driven through the extension's own client: answers by
// name, typed errors, progress and cancel of a rebuild, news of changed runs, a worker that
// dies. And the extension host's bundle loads no SQLite engine and reads no event file.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { buildSync } from 'esbuild';
import { listRuns } from '../../src/core/runQueries';
import { IndexClient, IndexError } from '../../src/host/indexClient';
import { inProcessState } from '../support/inProcessIndex';
import type { EngineInfo, IngestNotice } from '../../src/protocol/indexWorker';
import { append, makeRun, metricsLine, tempRoot } from './runFolders';

const REPO = resolve(__dirname, '../..');
let bundleDir: string | undefined;

/** dist/indexWorker.js as esbuild.mjs builds it, into a temp folder. */
function workerBundle(): string {
  if (!bundleDir) {
    // Inside the repository, so the bundle finds node_modules/better-sqlite3 as dist/ does.
    bundleDir = mkdtempSync(join(REPO, 'node_modules', '.trackside-worker-'));
    buildSync({
      entryPoints: [join(REPO, 'src/worker/indexWorker.ts')],
      outfile: join(bundleDir, 'indexWorker.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['better-sqlite3'],
      logLevel: 'error',
    });
  }
  return join(bundleDir, 'indexWorker.js');
}

test.after(() => {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

interface Heard {
  notices: IngestNotice[];
  engine: EngineInfo | undefined;
  logs: string[];
}

function client(root: string, engine = 'auto'): { client: IndexClient; heard: Heard } {
  const heard: Heard = { notices: [], engine: undefined, logs: [] };
  const c = new IndexClient(workerBundle(), { root, engine }, {
    ingested: (n) => heard.notices.push(n),
    models: () => undefined,
    reading: () => undefined,
    log: (t) => heard.logs.push(t),
    engine: (info) => {
      if (!('error' in info)) heard.engine = info;
    },
  });
  return { client: c, heard };
}

function runs(root: string, n: number, points = 10): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `20250101-0000${String(i).padStart(2, '0')}-abcdef`;
    const lines = [JSON.stringify({ t: 1000 + i, type: 'run', name: `run ${i}`, experiment: 'e', params: { lr: i / 10 } }) + '\n'];
    for (let s = 0; s < points; s++) lines.push(metricsLine(2000 + s, s, { loss: 1 / (s + 1) }));
    append(makeRun(root, id), lines.join(''));
    ids.push(id);
  }
  return ids;
}

const until = async <T>(probe: () => T | undefined, what: string): Promise<T> => {
  for (let i = 0; i < 500; i++) {
    const v = probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
};

test('requests by name are answered from the worker; the engine is named; new runs are told', async () => {
  const tmp = tempRoot();
  const { client: c, heard } = client(tmp.root);
  try {
    const ids = runs(tmp.root, 3);
    await c.job('ingestAll', {});
    const listed = await c.call('listRuns', {});
    assert.deepEqual(listed.map((r) => r.id), [...ids].reverse());
    const run = await c.call('getRun', ids[0]);
    assert.equal(run?.name, 'run 0');
    assert.equal(run?.metrics[0].count, 10);
    const [series] = await c.call('series', [{ runId: ids[0], key: 'loss', buckets: 100 }]);
    assert.equal(series.points, 10);
    assert.ok(series.steps instanceof Float64Array, 'typed arrays cross as typed arrays');
    assert.equal((await c.call('explorerGroups', {}))[0].count, 3);
    assert.ok(heard.engine, 'the worker says which engine it uses');
    assert.match(heard.engine.sqliteVersion, /^3\.\d+/);
    assert.ok(heard.notices.some((n) => n.changed.length === 3), 'the first pass tells of three new runs');
    // A run added later is read on a hint and told about.
    const [late] = runs(tmp.root, 4).slice(3);
    heard.notices.length = 0;
    c.changed();
    await until(() => heard.notices.find((n) => n.changed.includes(late)), 'the late run');
  } finally {
    c.dispose();
    tmp.cleanup();
  }
});

test('errors come back typed: a bad query names its column, an unknown run its reference', async () => {
  const tmp = tempRoot();
  const { client: c } = client(tmp.root);
  try {
    runs(tmp.root, 1);
    await assert.rejects(c.call('listRuns', { query: 'params.lr >' }), (e: unknown) => {
      assert.ok(e instanceof IndexError);
      assert.equal(e.name, 'QueryError');
      assert.equal(typeof e.data.column, 'number');
      return true;
    });
    await assert.rejects(c.call('resolveRun', 'nothing-like-it'), { name: 'UnknownRunError' });
    // The worker goes on answering after an error (its first pass may still be reading: finish it).
    await c.job('ingestAll', {});
    assert.equal((await c.call('listRuns', {})).length, 1);
  } finally {
    c.dispose();
    tmp.cleanup();
  }
});

test('a rebuild reports progress and can be cancelled; the next pass reads the rest', async () => {
  const tmp = tempRoot();
  const { client: c } = client(tmp.root);
  try {
    const ids = runs(tmp.root, 40, 2000);
    await c.job('ingestAll', {});
    const seen: number[] = [];
    const full = await c.job('rebuild', { progress: (p) => seen.push(p.done ?? 0) });
    assert.equal(full.all, true);
    assert.equal(seen.at(-1), 40, 'progress counts every run folder, the last count always told');
    assert.equal((await c.call('listRuns', { limit: 100 })).length, 40);

    // How far the worker got before the cancel reached it depends on the machine's load;
    // that it stops where it is is checked in one thread below.
    const controller = new AbortController();
    const cancelled = c.job('rebuild', { signal: controller.signal, progress: () => controller.abort() });
    await assert.rejects(cancelled, { name: 'AbortError' });
    await c.job('ingestAll', {});
    assert.deepEqual((await c.call('listRuns', { limit: 100 })).map((r) => r.id).sort(), ids);
  } finally {
    c.dispose();
    tmp.cleanup();
  }
});

test('a rebuild cancelled at its first progress stops after that batch; the next pass reads the rest', async () => {
  const tmp = tempRoot();
  const state = inProcessState(tmp.root);
  try {
    const ids = runs(tmp.root, 40, 2000);
    const controller = new AbortController();
    await assert.rejects(state.rebuild({ signal: controller.signal, progress: () => controller.abort() }), { name: 'AbortError' });
    const partial = listRuns(state.store(), { limit: 100 }).length;
    assert.ok(partial >= 1 && partial < 40, `${partial} runs read before the cancel`);
    await state.ingestAll({});
    assert.deepEqual(listRuns(state.store(), { limit: 100 }).map((r) => r.id).sort(), ids);
  } finally {
    state.close();
    tmp.cleanup();
  }
});

test('a worker that dies fails what was asked of it; the next request starts a new one', async () => {
  const tmp = tempRoot();
  const { client: c } = client(tmp.root);
  try {
    runs(tmp.root, 1);
    await c.job('ingestAll', {});
    assert.equal((await c.call('listRuns', {})).length, 1);
    const worker = (c as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const pending = c.call('listRuns', {});
    await worker.terminate();
    await assert.rejects(pending, /index worker stopped/);
    await c.job('ingestAll', {});
    assert.equal((await c.call('listRuns', {})).length, 1);
  } finally {
    c.dispose();
    tmp.cleanup();
  }
});

test('an engine that cannot load fails every request with why', async () => {
  const tmp = tempRoot();
  const heard: string[] = [];
  const c = new IndexClient(workerBundle(), { root: tmp.root, engine: 'builtin' }, {
    ingested: () => undefined,
    models: () => undefined,
    reading: () => undefined,
    log: () => undefined,
    engine: (info) => heard.push('error' in info ? info.error.message : info.name),
  });
  try {
    const hasBuiltin = Number(process.versions.node.split('.')[0]) >= 22;
    if (hasBuiltin) {
      assert.ok(Array.isArray(await c.call('listRuns', {})));
      assert.deepEqual(heard, ['builtin']);
    } else {
      await assert.rejects(c.call('listRuns', {}), (e: unknown) => e instanceof IndexError && /builtin/.test(e.message));
      assert.match(heard[0], /No SQLite engine loads/);
    }
  } finally {
    c.dispose();
    tmp.cleanup();
  }
});

test("the extension host's bundle holds no SQLite engine, index or event reader", () => {
  const r = buildSync({ entryPoints: [join(REPO, 'src/extension.ts')], bundle: true, platform: 'node', format: 'cjs', external: ['vscode'], write: false, metafile: true, logLevel: 'error' });
  const inputs = Object.keys(r.metafile!.inputs);
  const engines = inputs.filter((f) => /node_modules\/better-sqlite3\/|src\/core\/(sqlite\/|store\.ts|ingest\.ts|eventReader\.ts|eventApply\.ts)/.test(f));
  assert.deepEqual(engines, []);
  const text = r.outputFiles![0].text;
  assert.doesNotMatch(text, /require\(["'](?:node:sqlite|better-sqlite3)["']\)/);
});
