// Applies a patch of changed runs (and removed ones) to the table's columnar data: rows are
// replaced in place or appended, new params and metrics become new columns. Pure: no DOM.
import type { MetricColumn, ParamColumn, TableData } from '../../src/protocol/tableData';

export function mergeTable(base: TableData, patch: TableData, removed: readonly string[]): TableData {
  const gone = new Set(removed);
  const patchRow = new Map(patch.ids.map((id, j) => [id, j]));
  // Rows kept from base (not removed, not in the patch), then every patched row.
  const keep: number[] = [];
  base.ids.forEach((id, i) => {
    if (!gone.has(id) && !patchRow.has(id)) keep.push(i);
  });
  const n = keep.length + patch.ids.length;
  const fromBase = (i: number) => (i < keep.length ? keep[i] : -1);
  const fromPatch = (i: number) => (i < keep.length ? -1 : i - keep.length);
  const pick = <T>(a: T[], b: T[]): T[] => Array.from({ length: n }, (_, i) => (i < keep.length ? a[keep[i]] : b[i - keep.length]));
  const pickNum = (a: Float64Array, b: Float64Array): Float64Array => Float64Array.from({ length: n }, (_, i) => (i < keep.length ? a[keep[i]] : b[i - keep.length]));

  const paramKeys = [...new Set([...base.params.map((p) => p.key), ...patch.params.map((p) => p.key)])].sort();
  const params = paramKeys.map((key): ParamColumn => {
    const a = base.params.find((p) => p.key === key);
    const b = patch.params.find((p) => p.key === key);
    const read = (c: ParamColumn | undefined, i: number): number | string | null => {
      if (!c || i < 0) return null;
      const v = c.values[i];
      return c.kind === 'number' ? ((v as number) === (v as number) ? (v as number) : null) : (v as string | null);
    };
    const values = Array.from({ length: n }, (_, i) => (fromBase(i) >= 0 ? read(a, fromBase(i)) : read(b, fromPatch(i))));
    if (values.every((v) => v === null || typeof v === 'number')) return { key, kind: 'number', values: Float64Array.from(values, (v) => (v === null ? Number.NaN : (v as number))) };
    return { key, kind: 'text', values: values.map((v) => (v === null ? null : String(v))) };
  });

  const metricKeys = [...new Set([...base.metrics.map((m) => m.key), ...patch.metrics.map((m) => m.key)])];
  const metrics = metricKeys.map((key): MetricColumn => {
    const a = base.metrics.find((m) => m.key === key);
    const b = patch.metrics.find((m) => m.key === key);
    const col: MetricColumn = { key, has: new Uint8Array(n), last: new Float64Array(n).fill(NaN), min: new Float64Array(n).fill(NaN), max: new Float64Array(n).fill(NaN) };
    for (let i = 0; i < n; i++) {
      const src = fromBase(i) >= 0 ? a : b;
      const j = fromBase(i) >= 0 ? fromBase(i) : fromPatch(i);
      if (!src || !src.has[j]) continue;
      col.has[i] = 1;
      col.last[i] = src.last[j];
      col.min[i] = src.min[j];
      col.max[i] = src.max[j];
    }
    return col;
  });

  return {
    ids: pick(base.ids, patch.ids),
    names: pick(base.names, patch.names),
    status: pick(base.status, patch.status),
    experiment: pick(base.experiment, patch.experiment),
    sweeps: pick(base.sweeps, patch.sweeps),
    started: pickNum(base.started, patch.started),
    duration: pickNum(base.duration, patch.duration),
    tags: pick(base.tags, patch.tags),
    notes: pick(base.notes, patch.notes),
    params,
    metrics,
  };
}
