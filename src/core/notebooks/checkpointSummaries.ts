// The change summary of each checkpoint against the notebook as it is now, for the view:
// from the cell signatures in the records, without reading any checkpoint's notebook, and
// once per distinct content (checkpoints with the same content have the same cells).
import { describeSummary, diffSignatures, type ChangeSummary } from './cellDiff';
import type { CheckpointRecord } from './checkpointRecord';
import { decodeCellSig, encodeCellSig, type CellSig } from './fingerprint';

export class CheckpointSummaries {
  private readonly byContent = new Map<string, string>();
  private current: readonly CellSig[] = [];
  /** Kind and text of each current cell, as encoded in records ("c1a2b3c4d"). */
  private currentKeys: string[] = [];
  /** Position of each id in the current notebook, when every current cell has a unique id. */
  private currentIds: Map<string, number> | undefined;
  private seen = new Int32Array(0);
  private stamp = 0;

  /** The notebook now; every summary is worked out again against it. */
  setCurrent(cells: readonly CellSig[]): void {
    this.current = cells;
    this.currentKeys = cells.map((c) => encodeCellSig({ kind: c.kind, text: c.text }));
    this.byContent.clear();
    const ids = new Map<string, number>();
    cells.forEach((c, i) => c.id !== undefined && ids.set(c.id, i));
    this.currentIds = ids.size === cells.length ? ids : undefined;
    this.seen = new Int32Array(cells.length);
    this.stamp = 0;
  }

  /** "2 edited, 1 added since", "same cells as now", or "no cell summary". */
  summary(r: CheckpointRecord): string {
    if (!r.content || !r.cells) return 'no cell summary';
    const cached = this.byContent.get(r.content);
    if (cached !== undefined) return cached;
    const counts = this.countById(r.cells) ?? diffSignatures(decodeAll(r.cells), this.current);
    const text = describeSummary(counts);
    const summary = text === 'no cell changes' ? 'same cells as now' : `${text} since`;
    this.byContent.set(r.content, summary);
    return summary;
  }

  /**
   * The counts alignCells gives when both sides have unique ids, straight from the encoded
   * cells: a thousand checkpoints cost a thousand passes over their cells and no objects.
   * Undefined when ids are missing or repeated (the full diff handles those).
   */
  private countById(cells: readonly string[]): ChangeSummary | undefined {
    const ids = this.currentIds;
    if (!ids) return undefined;
    const mark = ++this.stamp;
    const s: ChangeSummary = { added: 0, removed: 0, edited: 0, outputsOnly: 0, unchanged: 0 };
    let matched = 0;
    for (const cell of cells) {
      if (cell.length < 11 || cell.charCodeAt(9) !== 58 /* ':' */) return undefined;
      const at = ids.get(cell.slice(10));
      if (at === undefined) {
        s.removed++;
        continue;
      }
      if (this.seen[at] === mark) return undefined; // an id twice in the checkpoint
      this.seen[at] = mark;
      matched++;
      if (cell.startsWith(this.currentKeys[at])) s.unchanged++;
      else s.edited++;
    }
    s.added = this.current.length - matched;
    return s;
  }
}

function decodeAll(cells: readonly string[]): CellSig[] {
  return cells.map(decodeCellSig).filter((s): s is CellSig => s !== undefined);
}
