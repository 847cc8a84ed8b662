// A notebook's checkpoints: records in <root>/checkpoints/<key>/checkpoints.jsonl, notebook
// bytes in the blob store (identical content stored once). Appends and the occasional
// compaction run under a lock file; listing reads the file (cached while it is unchanged).
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { blobPath } from '../blobs';
import { captureNotebook } from './captureNotebook';
import { encodeCellSig } from './fingerprint';
import { isDeletion, newCheckpointId, parseCheckpointLine, type CheckpointDeletion, type CheckpointKind, type CheckpointRecord } from './checkpointRecord';
import { withFileLock } from './fileLock';
import { notebookKey } from './notebookKey';
import { MAX_NOTEBOOK_BYTES } from './parseNotebook';
import { retentionVictims } from './retention';

export interface AddCheckpointOptions {
  kind: CheckpointKind;
  label?: string;
  run?: string;
  restore?: string;
  /** Skip when nothing that counts changed since the newest checkpoint (automatic checkpoints). */
  skipUnchanged?: boolean;
  /** With skipUnchanged: whether a change of outputs alone counts (default true). */
  countOutputOnly?: boolean;
  /** Retention after adding: keep this many automatic checkpoints (default: no pruning). */
  keepAutomatic?: number;
  now?: number;
}

export type AddCheckpointResult =
  | { added: CheckpointRecord; skipped?: undefined }
  | { added?: undefined; skipped: 'identical' | 'outputs-only'; latest: CheckpointRecord };

interface Listing {
  mtimeMs: number;
  size: number;
  records: CheckpointRecord[];
  deletedLines: number;
  /** Lines that are not checkpoints (perhaps from a newer Trackside): kept by compaction. */
  badLines: string[];
}

/** Compaction rewrites the file once it holds this many lines more than live checkpoints. */
const COMPACT_SLACK = 200;

export class CheckpointStore {
  private readonly cache = new Map<string, Listing>();

  /** `root` is the .trackside folder; notebooks over `maxParseBytes` are stored without a fingerprint. */
  constructor(
    readonly root: string,
    private readonly maxParseBytes = MAX_NOTEBOOK_BYTES,
  ) {}

  dir(path: string): string {
    return join(this.root, 'checkpoints', notebookKey(path));
  }

  private file(path: string): string {
    return join(this.dir(path), 'checkpoints.jsonl');
  }

  /** The notebook's checkpoints, newest first. `path` is workspace-relative (POSIX). */
  list(path: string): CheckpointRecord[] {
    return this.listing(path).records;
  }

  latest(path: string): CheckpointRecord | undefined {
    return this.listing(path).records[0];
  }

  get(path: string, id: string): CheckpointRecord | undefined {
    return this.listing(path).records.find((r) => r.id === id);
  }

  /** Lines that were not checkpoints (skipped). */
  badLines(path: string): number {
    return this.listing(path).badLines.length;
  }

  blobFile(record: Pick<CheckpointRecord, 'hash'>): string {
    return blobPath(this.root, record.hash);
  }

  /** Checkpoints the notebook file at `file` (absolute) under `path`. */
  async add(path: string, file: string, opts: AddCheckpointOptions): Promise<AddCheckpointResult> {
    const captured = await captureNotebook(this.root, file, this.maxParseBytes);
    await mkdir(this.dir(path), { recursive: true });
    return withFileLock(join(this.dir(path), 'checkpoints.lock'), async () => {
      const latest = this.latest(path);
      if (opts.skipUnchanged && latest) {
        if (latest.hash === captured.hash) return { skipped: 'identical', latest };
        const sameContent = captured.fingerprint && latest.content === captured.fingerprint.content;
        if (sameContent && opts.countOutputOnly === false) return { skipped: 'outputs-only', latest };
      }
      const t = Math.max(opts.now ?? Date.now(), (latest?.t ?? 0) + 1); // newest stays newest
      const record: CheckpointRecord = {
        t,
        id: newCheckpointId(t),
        kind: opts.kind,
        hash: captured.hash,
        size: captured.size,
        path,
        ...(opts.label ? { label: opts.label } : {}),
        ...(opts.run ? { run: opts.run } : {}),
        ...(opts.restore ? { restore: opts.restore } : {}),
        ...(captured.fingerprint ? { content: captured.fingerprint.content, cells: captured.fingerprint.cells.map(encodeCellSig) } : {}),
        ...(captured.unreadable ? { unreadable: captured.unreadable } : {}),
      };
      await appendFile(this.file(path), JSON.stringify(record) + '\n');
      if (opts.keepAutomatic !== undefined) {
        const victims = retentionVictims(this.list(path), opts.keepAutomatic);
        if (victims.length) await this.appendDeletion(path, { t: Date.now(), delete: victims, reason: 'retention' });
      }
      await this.compactIfWorthIt(path);
      return { added: record };
    });
  }

  /** Removes checkpoints from the record (their blobs stay: other records may share them). */
  async remove(path: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await mkdir(this.dir(path), { recursive: true });
    await withFileLock(join(this.dir(path), 'checkpoints.lock'), async () => {
      await this.appendDeletion(path, { t: Date.now(), delete: [...ids], reason: 'user' });
      await this.compactIfWorthIt(path);
    });
  }

  private async appendDeletion(path: string, d: CheckpointDeletion): Promise<void> {
    await appendFile(this.file(path), JSON.stringify(d) + '\n');
  }

  private async compactIfWorthIt(path: string): Promise<void> {
    const l = this.listing(path);
    if (l.deletedLines < COMPACT_SLACK) return;
    const live = [...l.records].reverse(); // oldest first, as appended
    const tmp = `${this.file(path)}.${process.pid}.tmp`;
    await writeFile(tmp, [...l.badLines, ...live.map((r) => JSON.stringify(r))].map((line) => line + '\n').join(''));
    await rename(tmp, this.file(path));
    this.cache.delete(path);
  }

  private listing(path: string): Listing {
    const file = this.file(path);
    let st: { mtimeMs: number; size: number };
    try {
      st = statSync(file);
    } catch {
      return { mtimeMs: 0, size: 0, records: [], deletedLines: 0, badLines: [] };
    }
    const cached = this.cache.get(path);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached;
    const text = readFileSync(file, 'utf8');
    const byId = new Map<string, CheckpointRecord>();
    let deletedLines = 0;
    const badLines: string[] = [];
    let start = 0;
    // A torn last line (a write in progress) is not a line yet.
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl);
      start = nl + 1;
      if (line.trim() === '') continue;
      const x = parseCheckpointLine(line);
      if (!x) badLines.push(line);
      else if (isDeletion(x)) {
        deletedLines++;
        for (const id of x.delete) if (byId.delete(id)) deletedLines++;
      } else byId.set(x.id, x);
    }
    const records = [...byId.values()].sort((a, b) => b.t - a.t);
    const listing = { mtimeMs: st.mtimeMs, size: st.size, records, deletedLines, badLines };
    this.cache.set(path, listing);
    return listing;
  }
}
