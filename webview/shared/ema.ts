// TensorBoard's debiased exponential moving average: the running average starts at 0 and is
// divided by (1 - w^n), so early points are not pulled toward zero. Non-finite values pass
// through unsmoothed and do not enter the average; a constant series stays constant.

/**
 * Smooths `values` with weight `w` in [0, 1). `counts[i]` (default 1) says how many points
 * values[i] stands for: a downsampled bucket decays the average as that many points would,
 * so smoothing looks the same at every zoom level.
 */
export function emaDebiased(values: ArrayLike<number>, w: number, counts?: ArrayLike<number>): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (!(w > 0)) {
    for (let i = 0; i < n; i++) out[i] = values[i];
    return out;
  }
  const weight = Math.min(w, 0.999999);
  let last = 0;
  let accumulated = 0;
  let constant = true;
  let first = Number.NaN;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    if (first !== first) first = v;
    else if (v !== first) constant = false;
    const c = counts ? Math.max(1, counts[i]) : 1;
    const decay = c === 1 ? weight : weight ** c;
    last = last * decay + (1 - decay) * v;
    accumulated += c;
    out[i] = last / (1 - weight ** accumulated);
  }
  if (constant) for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) out[i] = values[i];
  return out;
}
