// The Runs Table's columns over the columnar data: how each reads, sorts and shows a row.
import type { TableData } from '../../src/protocol/tableData';
import { formatDate, formatDuration, formatMetric } from '../shared/format';

export type ColumnGroup = 'run' | 'param' | 'metric';

export interface Column {
  id: string;
  label: string;
  group: ColumnGroup;
  /** Numbers sort numerically (NaN last); text by a natural collation (empty last). */
  numeric: boolean;
  width: number;
  align?: 'right';
  /** Sort value of row i. */
  num?: (i: number) => number;
  str?: (i: number) => string | null;
  text: (i: number) => string;
  /** Shown unless the user chose columns. */
  byDefault: boolean;
}

export const METRIC_STATS = ['last', 'min', 'max'] as const;
export type MetricStat = (typeof METRIC_STATS)[number];

/** Column ids: run fields by name, `p:<param>`, `m:<stat>:<metric>`. */
export function metricColumnId(key: string, stat: MetricStat): string {
  return `m:${stat}:${key}`;
}

export function buildColumns(d: TableData): Column[] {
  const cols: Column[] = [
    { id: 'name', label: 'Name', group: 'run', numeric: false, width: 220, str: (i) => d.names[i], text: (i) => d.names[i], byDefault: true },
    { id: 'status', label: 'Status', group: 'run', numeric: false, width: 92, str: (i) => d.status[i], text: (i) => d.status[i], byDefault: true },
    { id: 'experiment', label: 'Experiment', group: 'run', numeric: false, width: 140, str: (i) => d.experiment[i], text: (i) => d.experiment[i] ?? '', byDefault: true },
    // Shown once any run came from a sweep.
    { id: 'sweep', label: 'Sweep', group: 'run', numeric: false, width: 120, str: (i) => d.sweeps[i], text: (i) => d.sweeps[i] ?? '', byDefault: d.sweeps.some((s) => s !== null) },
    { id: 'started', label: 'Started', group: 'run', numeric: true, width: 144, num: (i) => d.started[i], text: (i) => formatDate(d.started[i]), byDefault: true },
    { id: 'duration', label: 'Duration', group: 'run', numeric: true, width: 84, align: 'right', num: (i) => d.duration[i], text: (i) => formatDuration(d.duration[i]), byDefault: true },
    { id: 'tags', label: 'Tags', group: 'run', numeric: false, width: 140, str: (i) => d.tags[i].join(', ') || null, text: (i) => d.tags[i].join(', '), byDefault: true },
    { id: 'id', label: 'Run id', group: 'run', numeric: false, width: 200, str: (i) => d.ids[i], text: (i) => d.ids[i], byDefault: false },
    { id: 'note', label: 'Note', group: 'run', numeric: false, width: 200, str: (i) => d.notes[i], text: (i) => d.notes[i] ?? '', byDefault: false },
  ];
  for (const p of d.params) {
    const base = { id: `p:${p.key}`, label: p.key, group: 'param' as const, width: 100, byDefault: true };
    if (p.kind === 'number') {
      const v = p.values;
      cols.push({ ...base, numeric: true, align: 'right', num: (i) => v[i], text: (i) => (v[i] === v[i] ? formatNumber(v[i]) : '') });
    } else {
      const v = p.values;
      cols.push({ ...base, numeric: false, str: (i) => v[i], text: (i) => v[i] ?? '' });
    }
  }
  for (const m of d.metrics) {
    for (const stat of METRIC_STATS) {
      const v = m[stat];
      cols.push({
        id: metricColumnId(m.key, stat),
        label: stat === 'last' ? m.key : `${m.key} (${stat})`,
        group: 'metric',
        numeric: true,
        align: 'right',
        width: 100,
        num: (i) => (m.has[i] ? v[i] : Number.NaN),
        text: (i) => (m.has[i] ? formatMetric(v[i]) : ''),
        byDefault: stat === 'last' && !m.key.startsWith('sys/'),
      });
    }
  }
  return cols;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}
