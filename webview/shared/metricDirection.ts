// Which way is better for a metric, guessed from its name: losses and errors go down,
// everything else (accuracy, AUC, F1, reward …) goes up. System metrics have no best.

const LOWER = /(loss|err|error|mse|mae|rmse|mape|nll|perplexity|ppl|wer|cer|latency|time|fpr|fnr|distance|regret)/i;

export type Direction = 'lower' | 'higher' | 'none';

export function direction(key: string): Direction {
  if (key.startsWith('sys/')) return 'none';
  const name = key.slice(key.lastIndexOf('/') + 1);
  return LOWER.test(name) ? 'lower' : 'higher';
}

/** Index of the best finite value, or -1. */
export function bestIndex(values: readonly number[], dir: Direction): number {
  if (dir === 'none') return -1;
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (best < 0 || (dir === 'lower' ? v < values[best] : v > values[best])) best = i;
  }
  return best;
}
