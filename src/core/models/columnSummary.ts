// Per-column summaries of a tabular dataset, as the client logs them in a `dataset` event's
// `columns` (src/python/trackside/columns.py computes them). Checked here before use: the
// event contract leaves `columns` free-form.

export interface Histogram {
  /** bins + 1 ascending edges; bin i is [edges[i], edges[i + 1]), the last one closed. */
  edges: number[];
  counts: number[];
  /** Values below edges[0] / above the last edge (seen after the edges were fixed). */
  under: number;
  over: number;
}

export interface NumericColumn {
  name: string;
  type: 'numeric';
  /** Non-null values. */
  count: number;
  nulls: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  hist: Histogram;
  /** Every distinct value with its count, when there were few of them (≤ 64). */
  values?: [number, number][];
}

export interface TextColumn {
  name: string;
  type: 'text' | 'empty';
  count: number;
  nulls: number;
  /** Exact when the column had few distinct values; null when there were too many to count. */
  distinct: number | null;
  top: [string, number][];
  /** Every distinct value with its count, when there were few of them (≤ 64). */
  values?: [string, number][];
}

export type ColumnSummary = NumericColumn | TextColumn;

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function histogram(x: unknown): Histogram | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const h = x as Record<string, unknown>;
  const edges = h.edges;
  const counts = h.counts;
  if (!Array.isArray(edges) || !Array.isArray(counts) || edges.length !== counts.length + 1 || counts.length === 0) return undefined;
  if (!edges.every(isNum) || !counts.every((c) => isNum(c) && c >= 0)) return undefined;
  for (let i = 1; i < edges.length; i++) if (!(edges[i] > edges[i - 1])) return undefined;
  const under = h.under ?? 0;
  const over = h.over ?? 0;
  if (!isNum(under) || !isNum(over)) return undefined;
  return { edges: edges as number[], counts: counts as number[], under, over };
}

function valueCounts<T extends number | string>(x: unknown, isKey: (k: unknown) => k is T): [T, number][] | undefined {
  if (!Array.isArray(x)) return undefined;
  const out: [T, number][] = [];
  for (const pair of x as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || !isKey(pair[0]) || !isNum(pair[1]) || pair[1] < 0) return undefined;
    out.push([pair[0], pair[1]]);
  }
  return out;
}

const isStr = (x: unknown): x is string => typeof x === 'string';

/** Text columns whose every value was counted, by name: value → count. */
export function textColumns(columns: unknown): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  if (!Array.isArray(columns)) return out;
  for (const c of columns as unknown[]) {
    if (typeof c !== 'object' || c === null) continue;
    const o = c as Record<string, unknown>;
    if (o.type !== 'text' || typeof o.name !== 'string') continue;
    const values = valueCounts(o.values, isStr);
    if (values?.length) out.set(o.name, new Map(values));
  }
  return out;
}

/** The numeric columns (with a usable histogram) of a `columns` value, by name. */
export function numericColumns(columns: unknown): Map<string, NumericColumn> {
  const out = new Map<string, NumericColumn>();
  if (!Array.isArray(columns)) return out;
  for (const c of columns as unknown[]) {
    if (typeof c !== 'object' || c === null) continue;
    const o = c as Record<string, unknown>;
    if (o.type !== 'numeric' || typeof o.name !== 'string') continue;
    const hist = histogram(o.hist);
    if (!hist || !isNum(o.count) || !isNum(o.min) || !isNum(o.max)) continue;
    out.set(o.name, {
      name: o.name,
      type: 'numeric',
      count: o.count,
      nulls: isNum(o.nulls) ? o.nulls : 0,
      mean: isNum(o.mean) ? o.mean : Number.NaN,
      std: isNum(o.std) ? o.std : Number.NaN,
      min: o.min,
      max: o.max,
      hist,
      ...(valueCounts(o.values, isNum) ? { values: valueCounts(o.values, isNum) } : {}),
    });
  }
  return out;
}
