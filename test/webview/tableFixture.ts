// Runs Table data made directly (no index): n runs × p params × m metrics, deterministic.
import type { ParamColumn, TableData } from '../../src/protocol/tableData';
import type { RunStatusView } from '../../src/protocol/runView';

const STATUSES: RunStatusView[] = ['finished', 'finished', 'finished', 'failed', 'running', 'stopped', 'crashed'];

export function syntheticTable(n: number, params = 30, metrics = 10): TableData {
  let seed = 42;
  const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const ids = Array.from({ length: n }, (_, i) => `20240101-${String(i).padStart(6, '0')}-${(i * 2654435761 >>> 8).toString(16).padStart(6, '0').slice(0, 6)}`);
  const t0 = Date.UTC(2023, 0, 1);
  const paramCols: ParamColumn[] = Array.from({ length: params }, (_, j) =>
    j % 10 === 9
      ? { key: `param_${String(j).padStart(2, '0')}`, kind: 'text', values: Array.from({ length: n }, () => ['adam', 'sgd', 'rmsprop', null][Math.floor(rand() * 4)]) }
      : { key: `param_${String(j).padStart(2, '0')}`, kind: 'number', values: Float64Array.from({ length: n }, () => Math.round(rand() * 1000) / 1000) },
  );
  return {
    ids,
    names: ids.map((_, i) => `run-${(i * 7919) % n}`),
    status: ids.map((_, i) => STATUSES[i % STATUSES.length]),
    experiment: ids.map((_, i) => `exp-${i % 12}`),
    sweeps: ids.map((_, i) => (i % 9 === 0 ? `sweep-${i % 4}` : null)),
    started: Float64Array.from({ length: n }, (_, i) => t0 + (n - i) * 3_600_000),
    duration: Float64Array.from({ length: n }, () => Math.round(rand() * 7_200_000)),
    tags: ids.map((_, i) => (i % 5 === 0 ? ['baseline'] : i % 7 === 0 ? ['gpu', 'long'] : [])),
    notes: ids.map((_, i) => (i % 50 === 0 ? `note ${i}` : null)),
    params: paramCols,
    metrics: Array.from({ length: metrics }, (_, j) => {
      const has = Uint8Array.from({ length: n }, () => (rand() < 0.95 ? 1 : 0));
      const last = Float64Array.from(has, (x) => (x ? rand() : Number.NaN));
      return {
        key: j < 5 ? `val/metric_${j}` : `train/metric_${j}`,
        has,
        last,
        min: Float64Array.from(last, (v) => v * 0.5),
        max: Float64Array.from(last, (v) => v * 1.5),
      };
    }),
  };
}
