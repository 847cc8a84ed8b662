// One image key at one step, every run's image side by side (each run's latest image at or
// before that step).
import type { ComparePanelState } from '../../src/protocol/comparePanel';
import type { RunView } from '../../src/protocol/runView';
import { el, replaceChildren } from '../shared/dom';
import { imageAt, imageElement, imagesByKey } from '../shared/images';
import { valueOf } from '../shared/toolkit';
import { swatch } from './legend';

export function renderImages(root: HTMLElement, runs: RunView[], colorOf: (id: string) => string, state: ComparePanelState, onChange: (key: string, step: number) => void): void {
  const perRun = runs.map((r) => imagesByKey(r.images));
  const keys = [...new Set(perRun.flatMap((m) => [...m.keys()]))].sort();
  if (keys.length === 0) {
    replaceChildren(root, el('p', { class: 'empty', text: 'No images logged.' }));
    return;
  }
  let key = state.imageKey && keys.includes(state.imageKey) ? state.imageKey : keys[0];
  const stepsOf = (k: string) => [...new Set(perRun.flatMap((m) => (m.get(k) ?? []).map((i) => i.step)))].sort((a, b) => a - b);
  let steps = stepsOf(key);
  let index = state.imageStep === undefined ? steps.length - 1 : Math.max(0, steps.findIndex((s) => s >= state.imageStep!));
  if (index < 0) index = steps.length - 1;

  const grid = el('div', { class: 'compare-images' });
  const stepLabel = el('span', { class: 'image-step' });
  const slider = el('input', { class: 'image-slider', attrs: { type: 'range', min: 0, step: 1, 'aria-label': 'Step' } });
  const show = () => {
    const step = steps[index];
    stepLabel.textContent = `step ${step} (${index + 1}/${steps.length})`;
    replaceChildren(
      grid,
      ...runs.map((r, i) => {
        const img = imageAt(perRun[i].get(key) ?? [], step);
        const fig = el(
          'figure',
          { class: 'compare-image', dataset: { run: r.id } },
          img ? imageElement(img, `${key} of ${r.name} at step ${img.step}`) : el('div', { class: 'empty', text: 'no image yet' }),
          el('figcaption', {}, swatch(colorOf(r.id)), ` ${r.name}${img && img.step !== step ? ` (step ${img.step})` : ''}`),
        );
        fig.style.setProperty('--swatch', colorOf(r.id));
        return fig;
      }),
    );
  };
  const resetSlider = () => {
    slider.max = String(Math.max(0, steps.length - 1));
    slider.value = String(index);
    slider.disabled = steps.length < 2;
  };
  slider.addEventListener('input', () => {
    index = Number(slider.value);
    show();
    onChange(key, steps[index]);
  });
  const picker = el(
    'vscode-dropdown',
    {
      attrs: { 'aria-label': 'Image key' },
      on: {
        change: () => {
          key = valueOf(picker) || key;
          steps = stepsOf(key);
          index = steps.length - 1;
          resetSlider();
          show();
          onChange(key, steps[index]);
        },
      },
    },
    ...keys.map((k) => el('vscode-option', { attrs: { value: k, selected: k === key }, text: k })),
  );
  resetSlider();
  show();
  replaceChildren(root, el('div', { class: 'section-head' }, picker, slider, stepLabel), grid);
}
