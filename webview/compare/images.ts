// One image key at one step, every run's image side by side (each run's latest image at or
// before that step), at a size the user picks; a click opens one large with its run's steps.
import { IMAGE_SIZES, type ComparePanelState, type ImageSize } from '../../src/protocol/comparePanel';
import type { RunView } from '../../src/protocol/runView';
import { el, replaceChildren } from '../shared/dom';
import { valueOf } from '../shared/elements';
import { imageViewer } from '../shared/imageViewer';
import { imageAt, imagesByKey, openableImage } from '../shared/images';
import { swatch } from './legend';

const SIZE_LABELS: Record<ImageSize, string> = { small: 'Small', medium: 'Medium', large: 'Large', natural: 'Natural size' };
export const DEFAULT_IMAGE_SIZE: ImageSize = 'medium';

export interface ImageChoice {
  key?: string;
  step?: number;
  size?: ImageSize;
}

export function renderImages(root: HTMLElement, runs: RunView[], colorOf: (id: string) => string, state: ComparePanelState, onChange: (c: ImageChoice) => void): void {
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

  const grid = el('div', { class: 'compare-images', dataset: { size: state.imageSize ?? DEFAULT_IMAGE_SIZE } });
  const stepLabel = el('span', { class: 'image-step' });
  const slider = el('input', { class: 'image-slider', attrs: { type: 'range', min: 0, step: 1, 'aria-label': 'Step' } });
  const show = () => {
    const step = steps[index];
    stepLabel.textContent = steps.length > 1 ? `step ${step} (${index + 1}/${steps.length})` : `step ${step}`;
    replaceChildren(
      grid,
      ...runs.map((r, i) => {
        const list = perRun[i].get(key) ?? [];
        const img = imageAt(list, step);
        const title = `${key} · ${r.name}`;
        const fig = el(
          'figure',
          { class: 'compare-image', dataset: { run: r.id } },
          img ? openableImage(img, `${key} of ${r.name} at step ${img.step}`, () => imageViewer().open({ title, images: list, index: list.indexOf(img) })) : el('div', { class: 'empty', text: 'no image yet' }),
          el('figcaption', { title: r.name }, swatch(colorOf(r.id)), ` ${r.name}${img && img.step !== step ? ` (step ${img.step})` : ''}`),
        );
        fig.style.setProperty('--swatch', colorOf(r.id));
        return fig;
      }),
    );
  };
  // A key logged at one step has nothing to slide through.
  const resetSlider = () => {
    slider.max = String(Math.max(0, steps.length - 1));
    slider.value = String(index);
    slider.hidden = steps.length < 2;
  };
  slider.addEventListener('input', () => {
    index = Number(slider.value);
    show();
    onChange({ key, step: steps[index] });
  });
  const picker = el(
    'vscode-single-select',
    {
      class: 'image-key',
      attrs: { 'aria-label': 'Image key' },
      on: {
        change: () => {
          key = valueOf(picker) || key;
          steps = stepsOf(key);
          index = steps.length - 1;
          resetSlider();
          show();
          onChange({ key, step: steps[index] });
        },
      },
    },
    ...keys.map((k) => el('vscode-option', { attrs: { value: k, selected: k === key }, text: k })),
  );
  const size = el(
    'vscode-single-select',
    {
      class: 'image-size',
      attrs: { 'aria-label': 'Image size' },
      on: {
        change: () => {
          const s = valueOf(size) as ImageSize;
          grid.dataset.size = s;
          onChange({ size: s });
        },
      },
    },
    ...IMAGE_SIZES.map((s) => el('vscode-option', { attrs: { value: s, selected: s === grid.dataset.size }, text: SIZE_LABELS[s] })),
  );
  resetSlider();
  show();
  replaceChildren(root, el('div', { class: 'section-head image-controls' }, picker, slider, stepLabel, el('span', { class: 'toolbar-label', attrs: { 'aria-hidden': 'true' }, text: 'Size' }), size), grid);
}
