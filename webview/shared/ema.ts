// TensorBoard's debiased exponential moving average: the running average starts at 0 and is
// divided by (1 - w^n), so early points are not pulled toward zero. Non-finite values pass
// through unsmoothed and do not enter the average; a constant series stays constant.

/**
 * Smooths `values` with weight `w` in [0, 1), one step per value as TensorBoard does on the
 * points it shows (here: one per bucket, so the slider smooths visibly at any zoom).
 */
export function emaDebiased(values: ArrayLike<number>, w: number): Float64Array {
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
    last = last * weight + (1 - weight) * v;
    accumulated++;
    out[i] = last / (1 - weight ** accumulated);
  }
  if (constant) for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) out[i] = values[i];
  return out;
}
