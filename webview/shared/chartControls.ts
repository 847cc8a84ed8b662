// The toolbar above a panel's charts: x axis, smoothing, log scale.
import type { ChartControls } from '../../src/protocol/runPanel';
import { X_AXES, type XAxis } from '../../src/protocol/series';
import { el } from './dom';
import { X_AXIS_LABELS } from './format';
import { checkedOf, valueOf } from './elements';

export const DEFAULT_CONTROLS: ChartControls = { xAxis: 'step', smoothing: 0, logScale: false };

export function chartToolbar(initial: ChartControls, onChange: (c: ChartControls) => void, extra: Node[] = []): HTMLElement {
  let c = { ...initial };
  const set = (patch: Partial<ChartControls>) => {
    c = { ...c, ...patch };
    onChange(c);
  };
  const axis = el(
    'vscode-single-select',
    { class: 'x-axis', attrs: { 'aria-label': 'X axis' }, on: { change: () => set({ xAxis: valueOf(axis) as XAxis }) } },
    ...X_AXES.map((x) => el('vscode-option', { attrs: { value: x, selected: x === c.xAxis }, text: X_AXIS_LABELS[x] })),
  );
  const smoothingValue = el('span', { class: 'smoothing-value', text: c.smoothing.toFixed(2) });
  const smoothing = el('input', {
    class: 'smoothing',
    attrs: { type: 'range', min: 0, max: 0.99, step: 0.01, value: c.smoothing, 'aria-label': 'Smoothing' },
    on: {
      input: () => {
        const v = Number(smoothing.value);
        smoothingValue.textContent = v.toFixed(2);
        set({ smoothing: v });
      },
    },
  });
  const log = el('vscode-checkbox', { class: 'log-scale', attrs: { checked: c.logScale }, text: 'Log scale', on: { change: () => set({ logScale: checkedOf(log) }) } });
  return el(
    'div',
    { class: 'chart-toolbar', attrs: { role: 'toolbar', 'aria-label': 'Chart options' } },
    el('label', { class: 'toolbar-item' }, el('span', { class: 'toolbar-label', text: 'X axis' }), axis),
    el('label', { class: 'toolbar-item' }, el('span', { class: 'toolbar-label', text: 'Smoothing' }), smoothing, smoothingValue),
    el('div', { class: 'toolbar-item' }, log),
    ...extra,
  );
}
