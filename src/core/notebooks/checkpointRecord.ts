// One line of .trackside/checkpoints/<notebook-key>/checkpoints.jsonl. The file is the
// record of a notebook's checkpoints (the index is never asked): a checkpoint line, or a
// deletion line naming checkpoints that are gone. The notebook bytes are a blob.
//
//   {"t":1717400000000,"id":"lx2k9d1c-3fa2c1","kind":"auto","hash":"<sha256>","size":48213,
//    "path":"analysis/explore.ipynb","content":"<16 hex>","cells":["m1a2b3c4d:intro","c…"]}
//   {"t":1717400100000,"kind":"run","run":"20240603-081500-3fa2c1",…}
//   {"t":1717400200000,"delete":["lx2k9d1c-3fa2c1"],"reason":"retention"}
import { randomBytes } from 'node:crypto';
import { isBlobHash } from '../blobs';

/** auto: on save; manual: the command; run: at a tracked run of the notebook; pre-restore: the state a restore replaced. */
export type CheckpointKind = 'auto' | 'manual' | 'run' | 'pre-restore';

const KINDS: ReadonlySet<string> = new Set<CheckpointKind>(['auto', 'manual', 'run', 'pre-restore']);

export interface CheckpointRecord {
  t: number;
  id: string;
  kind: CheckpointKind;
  /** SHA-256 of the notebook file as it was: the blob holding it. */
  hash: string;
  size: number;
  /** The notebook, relative to the workspace folder (POSIX), as it was named then. */
  path: string;
  label?: string;
  /** Run id of a run-linked checkpoint. */
  run?: string;
  /** pre-restore: the checkpoint whose restore this one preceded. */
  restore?: string;
  /** Fingerprint of the content (see fingerprint.ts); absent when the file could not be read as a notebook. */
  content?: string;
  /** Encoded cell signatures, in order. */
  cells?: string[];
  /** Why there is no content fingerprint (too large, not valid JSON, …). */
  unreadable?: string;
}

export interface CheckpointDeletion {
  t: number;
  delete: string[];
  reason?: 'user' | 'retention';
}

export function newCheckpointId(t: number): string {
  return `${t.toString(36)}-${randomBytes(3).toString('hex')}`;
}

const ID_RE = /^[0-9a-z]{1,12}-[0-9a-f]{6}$/;

export function isCheckpointId(id: string): boolean {
  return ID_RE.test(id);
}

type Obj = Record<string, unknown>;

const optString = (o: Obj, k: string): boolean => o[k] === undefined || typeof o[k] === 'string';

/** A checked line, or undefined for a line that is not one (it is skipped, never fatal). */
export function parseCheckpointLine(line: string): CheckpointRecord | CheckpointDeletion | undefined {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
  const r = o as Obj;
  if (typeof r.t !== 'number' || !Number.isFinite(r.t)) return undefined;
  if (Array.isArray(r.delete)) {
    return r.delete.every((x) => typeof x === 'string') ? (r as unknown as CheckpointDeletion) : undefined;
  }
  if (typeof r.id !== 'string' || !isCheckpointId(r.id)) return undefined;
  if (typeof r.kind !== 'string' || !KINDS.has(r.kind)) return undefined;
  if (typeof r.hash !== 'string' || !isBlobHash(r.hash)) return undefined;
  if (typeof r.size !== 'number' || typeof r.path !== 'string') return undefined;
  if (!['label', 'run', 'restore', 'content', 'unreadable'].every((k) => optString(r, k))) return undefined;
  if (r.cells !== undefined && !(Array.isArray(r.cells) && r.cells.every((c) => typeof c === 'string'))) return undefined;
  return r as unknown as CheckpointRecord;
}

export function isDeletion(x: CheckpointRecord | CheckpointDeletion): x is CheckpointDeletion {
  return 'delete' in x;
}
