// Run folders written the way the Python client writes them (events.jsonl, meta.json, blobs),
// for the panel tests, the e2e tests and the benchmark. Synchronous and deterministic.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';

export type Status = 'running' | 'finished' | 'failed' | 'stopped' | 'crashed';

export interface FixtureRun {
  id: string;
  name?: string;
  experiment?: string;
  /** Last status; 'running' writes no end. */
  status?: Status;
  /** Unix ms of the first event. */
  start?: number;
  params?: Record<string, string | number | boolean | null>;
  /** Metric keys, each logged at every step. */
  keys?: string[];
  steps?: number;
  /** Keys logged only at these steps (a summary logged once, a few sys samples). */
  sparse?: { key: string; steps: number[] }[];
  /** Value of a key at a step (default: a noisy curve shaped by `seed`). */
  value?: (key: string, step: number) => number;
  /** Makes runs' default curves differ. */
  seed?: number;
  /** Steps per epoch (epochs are logged when set). */
  epochEvery?: number;
  /** Milliseconds between steps. */
  stepMs?: number;
  tags?: string[];
  note?: string;
  command?: string[];
  git?: { commit: string; branch?: string; dirty?: boolean };
  python?: { executable: string; version: string };
  /** Image keys, each logged at these steps as a generated PNG (32 px square unless `size`). */
  images?: { key: string; steps: number[]; size?: number }[];
  artifacts?: { name: string; kind?: string; content: string }[];
  datasets?: { name: string; path: string; files: { path: string; content: string }[] }[];
  code?: { path: string; content: string }[];
  output?: string;
  error?: string;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Stores `data` in the blob store under `root` (the .trackside folder); returns its hash. */
export function putBlob(root: string, data: Buffer | string): { hash: string; size: number } {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const hash = sha256(buf);
  const file = join(root, 'blobs', 'sha256', hash.slice(0, 2), hash.slice(2));
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, buf);
  }
  return { hash, size: buf.length };
}

export function runFolder(root: string, id: string): string {
  return join(root, 'runs', id);
}

/** Appends event lines to a run's log (the run must exist). */
export function appendEvents(root: string, id: string, events: object[]): void {
  appendFileSync(join(runFolder(root, id), 'events.jsonl'), events.map((e) => JSON.stringify(e) + '\n').join(''));
}

/** A noisy decaying loss, rising curves for keys naming acc/auc/f1; `seed` changes rates and levels. */
export function defaultValue(key: string, step: number, seed = 0): number {
  let h = seed * 7919;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const noise = Math.sin(step * 12.9898 + h) * 43758.5453;
  const jitter = (noise - Math.floor(noise) - 0.5) * 0.08;
  const rate = 300 * (1 + 0.35 * seed);
  const floor = 0.05 + 0.04 * seed;
  const base = /acc|auc|f1/.test(key) ? 0.95 - floor - 0.6 * Math.exp(-step / rate) : Math.exp(-step / rate) + floor;
  return base + jitter * (/val/.test(key) ? 1.5 : 1);
}

/** Three finished runs of one experiment, "slow", "fast" and "steady" (lr 0.01, 0.05, 0.02),
 * logging train/loss and val/acc for `steps` steps; those at `tagged` (0–2) carry "baseline". */
export function lrSweepRuns(steps: number, tagged: number[] = []): FixtureRun[] {
  return ['slow', 'fast', 'steady'].map((name, i) => ({
    id: `20240301-0${i}0000-ab00${i}0`,
    name,
    experiment: 'lr-sweep',
    status: 'finished',
    seed: i,
    start: Date.UTC(2024, 2, 1 + i),
    params: { lr: [0.01, 0.05, 0.02][i] },
    keys: ['train/loss', 'val/acc'],
    steps,
    images: [],
    artifacts: [],
    code: [],
    tags: tagged.includes(i) ? ['baseline'] : [],
  }));
}

/** Writes a whole run folder. */
export function writeRun(root: string, r: FixtureRun): void {
  const dir = runFolder(root, r.id);
  mkdirSync(join(dir, 'files'), { recursive: true });
  const t0 = r.start ?? Date.UTC(2024, 0, 1);
  const stepMs = r.stepMs ?? 100;
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ version: 1, id: r.id, created: t0 }));
  const lines: string[] = [];
  const push = (e: object) => lines.push(JSON.stringify(e));
  push({
    t: t0,
    type: 'run',
    name: r.name,
    experiment: r.experiment,
    command: r.command ?? ['python', 'train.py'],
    cwd: '/work',
    script: 'train.py',
    git: r.git ?? { commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', branch: 'main', dirty: false },
    python: r.python ?? { executable: '/usr/bin/python3', version: '3.11.2' },
    host: 'testhost',
    params: r.params ?? {},
    tags: r.tags,
    note: r.note,
    source: 'client',
  });
  push({ t: t0, type: 'status', status: 'running', exit_code: null });
  if (r.code?.length) {
    push({ t: t0, type: 'code', root: '/work', files: r.code.map((f) => ({ path: f.path, ...putBlob(root, f.content) })) });
  }
  for (const d of r.datasets ?? []) {
    const files = d.files.map((f) => ({ path: f.path, ...putBlob(root, f.content) })).sort((a, b) => a.path.localeCompare(b.path));
    const manifest = files.map((f) => `${f.hash}  ${f.size}  ${f.path}`).join('\n');
    push({ t: t0, type: 'dataset', name: d.name, path: d.path, hash: files.length === 1 ? files[0].hash : sha256(manifest), size: files.reduce((s, f) => s + f.size, 0), files });
  }
  const keys = r.keys ?? [];
  const steps = r.steps ?? 0;
  const value = r.value ?? ((k: string, step: number) => defaultValue(k, step, r.seed ?? 0));
  const images = new Map<number, { key: string; size: number }[]>();
  for (const im of r.images ?? []) for (const s of im.steps) images.set(s, [...(images.get(s) ?? []), { key: im.key, size: im.size ?? 32 }]);
  const sparseAt = new Map<number, string[]>();
  for (const s of r.sparse ?? []) for (const step of s.steps) sparseAt.set(step, [...(sparseAt.get(step) ?? []), s.key]);
  for (let step = 0; step < steps; step++) {
    const t = t0 + (step + 1) * stepMs;
    const logged = [...keys, ...(sparseAt.get(step) ?? [])];
    if (logged.length) {
      const values: Record<string, number | string> = {};
      for (const k of logged) {
        const v = value(k, step);
        // As the client writes them: non-finite values as strings.
        values[k] = Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
      }
      push({ t, type: 'metrics', step, ...(r.epochEvery ? { epoch: Math.floor(step / r.epochEvery) } : {}), values });
    }
    for (const im of images.get(step) ?? []) {
      const png = testPng(im.size, im.size, step * 37 + im.key.length * 11);
      push({ t, type: 'image', key: im.key, step, format: 'png', width: im.size, height: im.size, ...putBlob(root, png) });
    }
  }
  const tEnd = t0 + (steps + 1) * stepMs;
  for (const a of r.artifacts ?? []) push({ t: tEnd, type: 'artifact', name: a.name, kind: a.kind ?? 'file', source: `outputs/${a.name}`, ...putBlob(root, a.content) });
  if (r.status && r.status !== 'running') {
    push({ t: tEnd, type: 'status', status: r.status, exit_code: r.status === 'finished' ? 0 : 1, ...(r.error ? { error: r.error } : {}) });
  }
  writeFileSync(join(dir, 'events.jsonl'), lines.join('\n') + '\n');
  if (r.output !== undefined) writeFileSync(join(dir, 'files', 'output.log'), r.output);
}

// ── a tiny PNG encoder (RGB, no filter), enough for test images ──

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A w×h gradient whose colors depend on `seed`. */
export function testPng(w: number, h: number, seed: number): Buffer {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = (x * 8 + seed) & 0xff;
      raw[o + 1] = (y * 8 + seed * 3) & 0xff;
      raw[o + 2] = (seed * 7) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
