// A grid sweep of six finished trials and one queued, as the host sends it to the Sweep panel.
import type { SweepView } from '../../src/protocol/sweepPanel';

export function sweepView(): SweepView {
  const trials = [];
  let key = 1;
  for (const lr of [0.001, 0.01, 0.1]) {
    for (const opt of ['adam', 'sgd']) {
      trials.push({ key, runId: `20240101-00000${key}-abcdef`, status: 'finished', params: { lr, opt }, value: (Math.log10(lr) + 2) ** 2 + (opt === 'sgd' ? 0.1 : 0) });
      key++;
    }
  }
  trials.push({ key, status: 'queued', params: { lr: 0.5, opt: 'adam' }, value: null });
  return {
    id: '20240101-000000-abcdef',
    name: 'lr-opt <b>sweep</b>',
    method: 'grid',
    status: 'running',
    metric: { name: 'val/loss', goal: 'minimize' },
    params: ['lr', 'opt'],
    trials,
    importance: { kind: 'rank', values: { lr: 0.2, opt: 0.4 }, note: 'Optuna is not installed for python3.' },
  };
}
