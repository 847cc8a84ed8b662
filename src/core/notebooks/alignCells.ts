// Lines up the cells of two versions of a notebook: by cell id when every cell of both has a
// unique one (nbformat 4.5), else by content: unchanged cells anchor the alignment (common
// prefix and suffix, then a longest common subsequence) and the cells left between two
// anchors are paired, in order and kind by kind, as edited versions of each other.
import type { CellKind } from './fingerprint';

export interface Alignable {
  id?: string;
  kind: CellKind;
  /** Equal texts (of equal kinds) compare equal; a hash is enough. */
  text: string;
}

/** A cell in both versions (a and b), only in the old one (a), or only in the new one (b). */
export interface CellPair {
  a?: number;
  b?: number;
}

/** Above this many cell comparisons the middle part is not searched for unchanged cells. */
const MAX_LCS_CELLS = 4_000_000;

export function alignCells(a: readonly Alignable[], b: readonly Alignable[]): CellPair[] {
  return hasUniqueIds(a) && hasUniqueIds(b) ? alignById(a, b) : alignByContent(a, b);
}

function hasUniqueIds(cells: readonly Alignable[]): boolean {
  const seen = new Set<string>();
  for (const c of cells) {
    if (c.id === undefined || seen.has(c.id)) return false;
    seen.add(c.id);
  }
  return true;
}

function alignById(a: readonly Alignable[], b: readonly Alignable[]): CellPair[] {
  const inA = new Map(a.map((c, i) => [c.id!, i]));
  const inB = new Set(b.map((c) => c.id!));
  const out: CellPair[] = [];
  let next = 0; // a cells before this one are placed
  const flushRemoved = (upTo: number): void => {
    for (; next < upTo; next++) if (!inB.has(a[next].id!)) out.push({ a: next });
  };
  b.forEach((cell, j) => {
    const i = inA.get(cell.id!);
    if (i === undefined) {
      out.push({ b: j });
      return;
    }
    flushRemoved(i);
    if (next === i) next++;
    out.push({ a: i, b: j });
  });
  flushRemoved(a.length);
  return out;
}

const same = (x: Alignable, y: Alignable): boolean => x.kind === y.kind && x.text === y.text;

function alignByContent(a: readonly Alignable[], b: readonly Alignable[]): CellPair[] {
  let start = 0;
  while (start < a.length && start < b.length && same(a[start], b[start])) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && same(a[endA - 1], b[endB - 1])) {
    endA--;
    endB--;
  }
  const out: CellPair[] = [];
  for (let i = 0; i < start; i++) out.push({ a: i, b: i });
  let ia = start;
  let ib = start;
  for (const [ma, mb] of commonSubsequence(a, b, start, endA, start, endB)) {
    pairGap(a, b, ia, ma, ib, mb, out);
    out.push({ a: ma, b: mb });
    ia = ma + 1;
    ib = mb + 1;
  }
  pairGap(a, b, ia, endA, ib, endB, out);
  for (let k = 0; endA + k < a.length; k++) out.push({ a: endA + k, b: endB + k });
  return out;
}

/** Index pairs of a longest common subsequence of a[a0, a1) and b[b0, b1). */
function commonSubsequence(a: readonly Alignable[], b: readonly Alignable[], a0: number, a1: number, b0: number, b1: number): [number, number][] {
  const n = a1 - a0;
  const m = b1 - b0;
  if (n === 0 || m === 0 || n * m > MAX_LCS_CELLS) return [];
  const w = m + 1;
  // Suffix lengths: table[i * w + j] = LCS of a[a0 + i ..] and b[b0 + j ..].
  const table = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * w + j] = same(a[a0 + i], b[b0 + j]) ? table[(i + 1) * w + j + 1] + 1 : Math.max(table[(i + 1) * w + j], table[i * w + j + 1]);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (same(a[a0 + i], b[b0 + j])) {
      pairs.push([a0 + i, b0 + j]);
      i++;
      j++;
    } else if (table[(i + 1) * w + j] >= table[i * w + j + 1]) i++;
    else j++;
  }
  return pairs;
}

/** Cells between two anchors: same-kind cells pair up in order, the rest are removed or added. */
function pairGap(a: readonly Alignable[], b: readonly Alignable[], i: number, endA: number, j: number, endB: number, out: CellPair[]): void {
  while (i < endA || j < endB) {
    if (i < endA && j < endB && a[i].kind === b[j].kind) {
      out.push({ a: i++, b: j++ });
    } else if (i < endA && (j >= endB || !hasKind(b, j, endB, a[i].kind))) {
      out.push({ a: i++ });
    } else {
      out.push({ b: j++ });
    }
  }
}

function hasKind(cells: readonly Alignable[], from: number, to: number, kind: CellKind): boolean {
  for (let k = from; k < to; k++) if (cells[k].kind === kind) return true;
  return false;
}
