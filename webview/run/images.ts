// The Images tab: one card per image key, with a slider over the steps it was logged at.
import type { ImageView } from '../../src/protocol/runView';
import { el, replaceChildren } from '../shared/dom';
import { imagesByKey, imageElement } from '../shared/images';

export function renderImages(root: HTMLElement, images: ImageView[], steps: Record<string, number>, onStep: (key: string, step: number) => void): void {
  const byKey = imagesByKey(images);
  if (byKey.size === 0) {
    replaceChildren(root, el('p', { class: 'empty', text: 'No images logged.' }));
    return;
  }
  replaceChildren(root, el('div', { class: 'image-grid' }, ...[...byKey].map(([key, list]) => imageCard(key, list, steps[key], onStep))));
}

function imageCard(key: string, list: ImageView[], chosen: number | undefined, onStep: (key: string, step: number) => void): HTMLElement {
  let index = chosen === undefined ? list.length - 1 : Math.max(0, list.findIndex((i) => i.step >= chosen));
  if (index < 0) index = list.length - 1;
  const frame = el('div', { class: 'image-frame' });
  const label = el('span', { class: 'image-step' });
  const show = () => {
    const img = list[index];
    replaceChildren(frame, imageElement(img, `${key} at step ${img.step}`));
    label.textContent = `step ${img.step} (${index + 1}/${list.length})`;
  };
  const slider = el('input', {
    class: 'image-slider',
    attrs: { type: 'range', min: 0, max: list.length - 1, step: 1, value: index, 'aria-label': `Step of ${key}`, disabled: list.length < 2 },
    on: {
      input: () => {
        index = Number(slider.value);
        show();
        onStep(key, list[index].step);
      },
    },
  });
  show();
  return el('section', { class: 'image-card', dataset: { key } }, el('header', { class: 'image-title' }, el('span', { text: key, title: key }), label), frame, slider);
}
