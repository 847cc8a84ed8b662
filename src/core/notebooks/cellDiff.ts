// Cell-level differences between two versions of a notebook, and the one-line summary the
// checkpoints view shows ("2 edited, 1 added").
import { alignCells, type CellPair } from './alignCells';
import { cellDetail, stableJson, type CellDetail, type CellSig } from './fingerprint';
import type { Notebook } from './nbformat';

export type CellChange = 'type' | 'source' | 'metadata' | 'attachments' | 'outputs';

export interface CellDiffEntry {
  /** `edited`: type, source, metadata or attachments differ; outputs alone do not make a cell edited. */
  op: 'unchanged' | 'edited' | 'added' | 'removed';
  /** Index in the old notebook. */
  a?: number;
  /** Index in the new notebook. */
  b?: number;
  changes: CellChange[];
}

export interface ChangeSummary {
  added: number;
  removed: number;
  edited: number;
  /** Cells whose outputs (or execution count) changed and nothing else. */
  outputsOnly: number;
  unchanged: number;
}

export interface NotebookDiff {
  cells: CellDiffEntry[];
  summary: ChangeSummary;
  /** Notebook metadata other than what running writes (kernel info, widget state). */
  metadataChanged: boolean;
}

/** Full comparison of two parsed notebooks: old `a`, new `b`. */
export function diffNotebooks(a: Notebook, b: Notebook): NotebookDiff {
  const da = a.cells.map(cellDetail);
  const db = b.cells.map(cellDetail);
  const cells = alignCells(da, db).map((p) => classify(p, da, db));
  const { language_info: _la, widgets: _wa, ...ma } = a.metadata;
  const { language_info: _lb, widgets: _wb, ...mb } = b.metadata;
  return { cells, summary: summarize(cells), metadataChanged: stableJson(ma) !== stableJson(mb) };
}

function classify(p: CellPair, da: CellDetail[], db: CellDetail[]): CellDiffEntry {
  if (p.a === undefined) return { op: 'added', b: p.b, changes: [] };
  if (p.b === undefined) return { op: 'removed', a: p.a, changes: [] };
  const x = da[p.a];
  const y = db[p.b];
  const changes: CellChange[] = [];
  if (x.kind !== y.kind) changes.push('type');
  if (x.text !== y.text) changes.push('source');
  if (x.metadata !== y.metadata) changes.push('metadata');
  if (x.attachments !== y.attachments) changes.push('attachments');
  if (x.outputs !== y.outputs) changes.push('outputs');
  const edited = changes.some((c) => c !== 'outputs');
  return { op: edited ? 'edited' : 'unchanged', a: p.a, b: p.b, changes };
}

/** Summary from cell signatures alone (type and text): what a checkpoint record keeps. */
export function diffSignatures(a: readonly CellSig[], b: readonly CellSig[]): ChangeSummary {
  const entries: CellDiffEntry[] = alignCells(a, b).map((p) => {
    if (p.a === undefined) return { op: 'added', b: p.b, changes: [] };
    if (p.b === undefined) return { op: 'removed', a: p.a, changes: [] };
    const x = a[p.a];
    const y = b[p.b];
    return x.kind === y.kind && x.text === y.text ? { op: 'unchanged', a: p.a, b: p.b, changes: [] } : { op: 'edited', a: p.a, b: p.b, changes: ['source'] };
  });
  return summarize(entries);
}

export function summarize(cells: readonly CellDiffEntry[]): ChangeSummary {
  const s: ChangeSummary = { added: 0, removed: 0, edited: 0, outputsOnly: 0, unchanged: 0 };
  for (const c of cells) {
    if (c.op === 'unchanged' && c.changes.length) s.outputsOnly++;
    else s[c.op]++;
  }
  return s;
}

/** "2 edited, 1 added" (cells of the checkpoint compared with the current notebook). */
export function describeSummary(s: ChangeSummary): string {
  const parts: string[] = [];
  if (s.edited) parts.push(`${s.edited} edited`);
  if (s.added) parts.push(`${s.added} added`);
  if (s.removed) parts.push(`${s.removed} removed`);
  if (s.outputsOnly) parts.push(`${s.outputsOnly} output${s.outputsOnly === 1 ? '' : 's'} changed`);
  return parts.length ? parts.join(', ') : 'no cell changes';
}
