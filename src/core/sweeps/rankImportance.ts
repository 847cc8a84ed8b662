// Which parameters matter without Optuna: the absolute Spearman rank correlation of each
// parameter with the metric (categories ranked by their mean metric). Says nothing of
// interactions; the Sweep panel labels it as what it is.
import type { ParamValue } from '../events';

export function rankImportance(trials: readonly { params: Record<string, ParamValue>; value: number }[], names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const y = ranks(trials.map((t) => t.value));
  for (const name of names) {
    const raw = trials.map((t) => t.params[name]);
    const numeric = raw.every((v) => typeof v === 'number');
    // A category's position is its mean metric: the order that correlates best, as a score.
    let xs: number[];
    if (numeric) xs = raw as number[];
    else {
      const means = new Map<string, { sum: number; n: number }>();
      raw.forEach((v, i) => {
        const m = means.get(String(v)) ?? { sum: 0, n: 0 };
        m.sum += trials[i].value;
        m.n++;
        means.set(String(v), m);
      });
      xs = raw.map((v) => means.get(String(v))!.sum / means.get(String(v))!.n);
    }
    const rho = pearson(ranks(xs), y);
    out[name] = Number.isFinite(rho) ? Math.abs(rho) : 0;
  }
  return out;
}

/** Ranks from 1, ties sharing their mean rank. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return cov / Math.sqrt(va * vb);
}
