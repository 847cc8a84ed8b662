// What counts as a change to a notebook. Two files with the same fingerprint hold the same
// cells (type, id, text, metadata, attachments) and the same notebook metadata; outputs,
// execution counts and what running a kernel writes (language_info, widget state) are left
// out, so "only the outputs changed" can be told apart. Cell signatures are short per-cell
// hashes the cell diff aligns on without keeping either notebook in memory.
import { createHash } from 'node:crypto';
import { cellText, type Notebook, type NotebookCell } from './nbformat';

/** Cell metadata that records how the cell was shown or run, not what it is. */
const VOLATILE_CELL_METADATA: ReadonlySet<string> = new Set(['collapsed', 'scrolled', 'execution', 'ExecuteTime', 'jupyter']);
/** Notebook metadata written by running it. */
const RUNTIME_NOTEBOOK_METADATA: ReadonlySet<string> = new Set(['language_info', 'widgets']);

export type CellKind = 'c' | 'm' | 'r';

/** One cell, reduced to what the view's change summary compares. */
export interface CellSig {
  /** nbformat 4.5 cell id, when the cell has one. */
  id?: string;
  kind: CellKind;
  /** 8 hex of a hash of kind and text. */
  text: string;
}

export interface NotebookFingerprint {
  /** Hash of everything that counts as content (see above). */
  content: string;
  cells: CellSig[];
}

export function cellKind(cell: Pick<NotebookCell, 'cell_type'>): CellKind {
  return cell.cell_type === 'markdown' ? 'm' : cell.cell_type === 'raw' ? 'r' : 'c';
}

/** Line endings as the notebook editor saves them. */
export function normalizeText(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
}

export function textSig(kind: CellKind, text: string): string {
  return createHash('sha1').update(kind).update('\0').update(normalizeText(text)).digest('hex').slice(0, 8);
}

export function cellSig(cell: NotebookCell): CellSig {
  const kind = cellKind(cell);
  const sig: CellSig = { kind, text: textSig(kind, cellText(cell.source)) };
  if (typeof cell.id === 'string' && cell.id !== '') sig.id = cell.id;
  return sig;
}

export function notebookFingerprint(nb: Notebook): NotebookFingerprint {
  const h = createHash('sha1');
  h.update(stableJson(withoutKeys(nb.metadata, RUNTIME_NOTEBOOK_METADATA)));
  const cells: CellSig[] = [];
  for (const cell of nb.cells) {
    const sig = cellSig(cell);
    cells.push(sig);
    h.update('\0cell\0').update(sig.kind).update('\0').update(sig.id ?? '').update('\0').update(normalizeText(cellText(cell.source)));
    h.update('\0').update(stableJson(contentMetadata(cell)));
    if (cell.attachments) h.update('\0att\0').update(stableJson(cell.attachments));
  }
  return { content: h.digest('hex').slice(0, 16), cells };
}

/** The cell's metadata without what only records display or timing. */
export function contentMetadata(cell: NotebookCell): Record<string, unknown> {
  return withoutKeys(cell.metadata, VOLATILE_CELL_METADATA);
}

/** Per-cell hashes for a full comparison of two parsed notebooks. */
export interface CellDetail extends CellSig {
  metadata: string;
  attachments: string;
  /** Outputs and execution count. */
  outputs: string;
}

export function cellDetail(cell: NotebookCell): CellDetail {
  return {
    ...cellSig(cell),
    metadata: stableJsonHash(contentMetadata(cell)),
    attachments: cell.attachments ? stableJsonHash(cell.attachments) : '',
    outputs: cell.cell_type === 'code' ? stableJsonHash({ o: cell.outputs ?? [], e: cell.execution_count ?? null }) : '',
  };
}

/** "c1a2b3c4d" or "c1a2b3c4d:cell-id": one cell of a checkpoint record. */
export function encodeCellSig(sig: CellSig): string {
  return sig.id === undefined ? `${sig.kind}${sig.text}` : `${sig.kind}${sig.text}:${sig.id}`;
}

const HEX8 = /^[0-9a-f]{8}$/;

/** The inverse of encodeCellSig; undefined for anything else. String slicing, not a regex
 * over the whole string: the view decodes every cell of every checkpoint it lists. */
export function decodeCellSig(s: string): CellSig | undefined {
  const kind = s[0];
  if ((kind !== 'c' && kind !== 'm' && kind !== 'r') || s.length < 9) return undefined;
  const text = s.slice(1, 9);
  if (!HEX8.test(text)) return undefined;
  if (s.length === 9) return { kind, text };
  if (s[9] !== ':' || s.length === 10) return undefined;
  return { kind, text, id: s.slice(10) };
}

function withoutKeys(o: Record<string, unknown>, drop: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) if (!drop.has(k)) out[k] = o[k];
  return out;
}

/** JSON with object keys sorted, so key order never counts as a change. */
export function stableJson(value: unknown): string {
  const out: string[] = [];
  writeJson(value, (piece) => out.push(piece));
  return out.join('');
}

/** A short hash of stableJson(value), without building that string: outputs can be megabytes. */
export function stableJsonHash(value: unknown): string {
  const h = createHash('sha1');
  let pending = '';
  writeJson(value, (piece) => {
    if (piece.length > 16_384) {
      if (pending) h.update(pending);
      pending = '';
      h.update(piece);
    } else {
      pending += piece;
      if (pending.length > 65_536) {
        h.update(pending);
        pending = '';
      }
    }
  });
  if (pending) h.update(pending);
  return h.digest('hex').slice(0, 8);
}

function writeJson(v: unknown, out: (piece: string) => void): void {
  if (v === null || typeof v !== 'object') {
    out(JSON.stringify(v) ?? 'null');
    return;
  }
  if (Array.isArray(v)) {
    out('[');
    v.forEach((x, i) => {
      if (i) out(',');
      writeJson(x, out);
    });
    out(']');
    return;
  }
  out('{');
  const o = v as Record<string, unknown>;
  Object.keys(o)
    .sort()
    .forEach((k, i) => {
      out(i ? `,${JSON.stringify(k)}:` : `${JSON.stringify(k)}:`);
      writeJson(o[k], out);
    });
  out('}');
}
