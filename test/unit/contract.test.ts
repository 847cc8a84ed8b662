// The cross-language contract: the real Python client (src/python/trackside) writes run
// folders, and this reader and index take them in. No hand-written events on this path.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readEvents } from '../../src/core/eventReader';
import { ENDED_STATUSES, RUN_STATUSES } from '../../src/core/events';
import { ingestAll } from '../../src/core/ingest';
import { points, summaries } from '../../src/core/metricQueries';
import { blobPath } from '../../src/core/blobs';
import { eventsPath, runDir } from '../../src/core/paths';
import { getRun, listRuns } from '../../src/core/runQueries';
import { openIndex, type Store } from '../../src/core/store';
import { tempRoot, type TempRoot } from './runFolders';

const PYTHONPATH = resolve(__dirname, '../../src/python');

function pyEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH, PYTHONUNBUFFERED: '1' };
  delete env.TRACKSIDE_HOME;
  delete env.TRACKSIDE_RUN_DIR;
  return env;
}

/** Runs a Python script in the workspace; returns its stdout. */
function python(ws: TempRoot, name: string, source: string, expectCode = 0): string {
  writeFileSync(join(ws.workspace, name), source);
  const r = spawnSync('python3', [name], { cwd: ws.workspace, env: pyEnv(), encoding: 'utf8' });
  assert.equal(r.status, expectCode, `${name} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

const FILES = `
import os, struct, zlib

def png(w, h):
    raw = b"".join(b"\\x00" + b"\\xff\\x00\\x00" * w for _ in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

def make_files():
    with open("model.bin", "wb") as f:
        f.write(os.urandom(3000))
    os.makedirs("ckpt/sub", exist_ok=True)
    for p, data in (("ckpt/a.bin", b"aaaa"), ("ckpt/sub/b.bin", b"bbbbbbbb")):
        with open(p, "wb") as f:
            f.write(data)
    os.makedirs("data", exist_ok=True)
    with open("data/train.csv", "w") as f:
        f.write("x,y\\n1,2\\n3,4\\n")
    with open("data/test.csv", "w") as f:
        f.write("x,y\\n5,6\\n")
    with open("roc.png", "wb") as f:
        f.write(png(7, 5))
    with open("cm.svg", "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>')
`;

const TRAIN = `${FILES}
import trackside

make_files()
run = trackside.init(name="contract", experiment="exp", params={"lr": 0.1, "opt": {"name": "adam", "beta": 0.9}},
                     tags=["a", "b"], notes="hello")
for i in range(100):
    trackside.log({"loss": 1.0 / (i + 1), "acc": i / 100.0}, epoch=i // 10)
trackside.log({"weird": float("nan")})
trackside.log({"weird": float("inf")})
trackside.log({"weird": float("-inf")})
trackside.log_metric("lr", 0.01)
trackside.log({"val/loss": 0.5}, step=1000)
trackside.log_params({"batch": 32, "name": "ü"})
trackside.add_tags("c")
trackside.remove_tags("a")
trackside.set_note("changed")
trackside.log_artifact("model.bin", kind="model")
trackside.log_artifact("ckpt", name="ckpt")
trackside.log_image("roc", "roc.png")
trackside.log_image("roc", "roc.png")
trackside.log_image("cm", "cm.svg", step=5)
trackside.log_dataset("data", name="data")
trackside.log_code("train.py")
trackside.finish()
print(run.id)
`;

const SAME_DATA = `
import trackside
run = trackside.init(name="same data")
run.log_dataset("data", name="data again")
run.finish()
print(run.id)
`;

const FAILING = `
import trackside
run = trackside.init(name="boom")
run.log({"x": 1})
print(run.id, flush=True)
raise ValueError("boom from the contract test")
`;

const KILLED = `
import time, trackside
run = trackside.init(name="killed")
print(run.id, flush=True)
i = 0
while True:
    run.log({"x": float(i), "y": -float(i)})
    if i == 500:
        run.flush()
        print("flushed", flush=True)
    i += 1
    if i > 500:
        time.sleep(0.0005)
`;

function withIndex(ws: TempRoot, fn: (store: Store) => void): void {
  const store = openIndex(ws.root);
  try {
    fn(store);
  } finally {
    store.close();
  }
}

test('the Python client is present', () => {
  assert.ok(existsSync(join(PYTHONPATH, 'trackside', '__init__.py')), 'src/python/trackside/__init__.py');
});

test('the client and the reader know the same run statuses', () => {
  const ws = tempRoot('trackside-contract-');
  try {
    const out = python(ws, 'statuses.py', 'import json\nfrom trackside.statuses import ENDED_STATUSES, RUN_STATUSES\nprint(json.dumps([list(RUN_STATUSES), sorted(ENDED_STATUSES)]))\n');
    assert.deepEqual(JSON.parse(out), [[...RUN_STATUSES], [...ENDED_STATUSES].sort()]);
  } finally {
    ws.cleanup();
  }
});

test('a run written by the Python client ingests completely, with no bad lines', () => {
  const ws = tempRoot('trackside-contract-');
  try {
    const id = python(ws, 'train.py', TRAIN).trim();
    const other = python(ws, 'same_data.py', SAME_DATA).trim();
    const file = eventsPath(runDir(ws.root, id));
    const read = readEvents(file);
    assert.deepEqual(read.bad, []);
    assert.equal(readFileSync(file, 'utf8').endsWith('\n'), true);

    withIndex(ws, (store) => {
      const report = ingestAll(store);
      assert.equal(report.badTotal, 0, JSON.stringify(report.bad));
      assert.deepEqual([...report.runsChanged].sort(), [id, other].sort());
      const run = getRun(store, id);
      assert.ok(run);
      assert.equal(run.name, 'contract');
      assert.equal(run.experiment, 'exp');
      assert.equal(run.status, 'finished');
      assert.equal(run.source, 'client');
      assert.ok(run.pid !== null && run.host);
      assert.ok(run.python?.version?.startsWith('3.'));
      assert.ok(run.ended !== null && run.started !== null && run.ended >= run.started);
      assert.deepEqual(run.params, { lr: 0.1, 'opt/name': 'adam', 'opt/beta': 0.9, batch: 32, name: 'ü' });
      assert.deepEqual(run.tags, ['b', 'c']);
      assert.equal(run.note, 'changed');

      const byKey = new Map(summaries(store, id).map((s) => [s.key, s]));
      assert.deepEqual([...byKey.keys()], ['acc', 'loss', 'lr', 'val/loss', 'weird']);
      const loss = byKey.get('loss')!;
      assert.deepEqual([loss.count, loss.firstStep, loss.lastStep, loss.last, loss.max], [100, 0, 99, 0.01, 1]);
      assert.equal(byKey.get('acc')!.last, 0.99);
      assert.deepEqual([byKey.get('lr')!.firstStep, byKey.get('lr')!.count], [0, 1]);
      assert.equal(byKey.get('val/loss')!.lastStep, 1000);
      const weird = points(store, id, 'weird');
      assert.deepEqual([...weird.steps], [0, 1, 2]);
      assert.deepEqual([...weird.values], [NaN, Infinity, -Infinity]);
      const lossPoints = points(store, id, 'loss');
      assert.equal(lossPoints.epochs[0], 0);
      assert.equal(lossPoints.epochs[99], 9);

      const model = readFileSync(join(ws.workspace, 'model.bin'));
      const [modelArt, ckpt] = run.artifacts;
      assert.deepEqual([modelArt.name, modelArt.kind, modelArt.hash, modelArt.size], ['model.bin', 'model', sha256(model), 3000]);
      assert.ok(existsSync(blobPath(ws.root, modelArt.hash)));
      assert.deepEqual(
        ckpt.files.map((f) => [f.path, f.hash, f.size]),
        [
          ['a.bin', sha256('aaaa'), 4],
          ['sub/b.bin', sha256('bbbbbbbb'), 8],
        ],
      );
      for (const f of ckpt.files) assert.ok(existsSync(blobPath(ws.root, f.hash)));
      const manifest = (files: { path: string; hash: string; size: number }[]): string =>
        sha256(files.map((f) => `${f.hash}  ${f.size}  ${f.path}\n`).sort().join(''));
      assert.equal(ckpt.hash, manifest(ckpt.files));
      assert.equal(ckpt.size, 12);

      // The same image logged twice without a step: steps 0 and 1.
      assert.deepEqual(
        run.images.map((i) => [i.key, i.step, i.format, i.width, i.height]),
        [
          ['cm', 5, 'svg', null, null],
          ['roc', 0, 'png', 7, 5],
          ['roc', 1, 'png', 7, 5],
        ],
      );
      for (const i of run.images) assert.ok(existsSync(blobPath(ws.root, i.hash)));
      assert.equal(run.images[1].hash, sha256(readFileSync(join(ws.workspace, 'roc.png'))));

      const [data] = run.datasets;
      assert.deepEqual(data.files.map((f) => f.path), ['test.csv', 'train.csv']);
      assert.equal(data.hash, manifest(data.files));
      assert.equal(data.files[1].hash, sha256(readFileSync(join(ws.workspace, 'data/train.csv'))));
      // Two runs on the same data show the same dataset hash.
      assert.equal(getRun(store, other)?.datasets[0].hash, data.hash);

      assert.deepEqual(run.code.map((c) => [c.path, c.hash]), [['train.py', sha256(readFileSync(join(ws.workspace, 'train.py')))]]);
      assert.ok(existsSync(blobPath(ws.root, run.code[0].hash)));
    });
  } finally {
    ws.cleanup();
  }
});

test('an uncaught exception ends the run as failed with the traceback', () => {
  const ws = tempRoot('trackside-contract-');
  try {
    const id = python(ws, 'fail.py', FAILING, 1).trim();
    withIndex(ws, (store) => {
      assert.equal(ingestAll(store).badTotal, 0);
      const run = getRun(store, id);
      assert.equal(run?.status, 'failed');
      assert.match(run?.error ?? '', /ValueError: boom from the contract test/);
      assert.equal(summaries(store, id)[0].count, 1);
    });
  } finally {
    ws.cleanup();
  }
});

test('a client killed with SIGKILL mid-run leaves an ingestible run', { timeout: 120_000 }, async () => {
  const ws = tempRoot('trackside-contract-');
  try {
    writeFileSync(join(ws.workspace, 'killed.py'), KILLED);
    const child = spawn('python3', ['killed.py'], { cwd: ws.workspace, env: pyEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('flushed\n')) res();
      });
      child.on('exit', () => rej(new Error(`killed.py ended early: ${stderr}`)));
    });
    // Mid-run: the writer thread is appending; kill without any chance to clean up.
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const id = stdout.split('\n')[0].trim();

    withIndex(ws, (store) => {
      const report = ingestAll(store);
      assert.equal(report.badTotal, 0, JSON.stringify(report.bad));
      const [run] = listRuns(store);
      assert.equal(run.id, id);
      assert.equal(run.name, 'killed');
      // Nobody wrote a final status: the run still reads as running (the editor decides later).
      assert.equal(run.status, 'running');
      for (const key of ['x', 'y']) {
        const s = summaries(store, id).find((m) => m.key === key)!;
        // Everything up to the explicit flush is there, with no gaps.
        assert.ok(s.count >= 501, `${key}: ${s.count}`);
        assert.equal(s.firstStep, 0);
        assert.equal(s.lastStep, s.count - 1);
        assert.equal(s.last, key === 'x' ? s.lastStep : -s.lastStep);
      }
      // Reading again finds nothing new: a torn tail (if any) just waits.
      assert.deepEqual(ingestAll(store).runsChanged, []);
    });
  } finally {
    ws.cleanup();
  }
});
