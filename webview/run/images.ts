// The Images tab: one card per image key, with a slider over the steps it was logged at (none
// for a key logged once). A click on the image opens it large, where the steps can be walked
// too; the card follows.
import type { ImageView } from '../../src/protocol/runView';
import { el, replaceChildren } from '../shared/dom';
import { imageViewer } from '../shared/imageViewer';
import { imageElement, imagesByKey } from '../shared/images';

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
  const many = list.length > 1;
  // One button for the card's life, so focus comes back to it when the large view closes.
  const open = el('button', {
    class: 'image-open',
    attrs: { type: 'button', title: 'Open large (natural size)' },
    on: { click: () => imageViewer().open({ title: key, images: list, index, onIndex: (i) => i !== index && go(i) }) },
  });
  const frame = el('div', { class: 'image-frame' }, open);
  const label = el('span', { class: 'image-step' });
  const slider = many
    ? el('input', {
        class: 'image-slider',
        attrs: { type: 'range', min: 0, max: list.length - 1, step: 1, value: index, 'aria-label': `Step of ${key}` },
        on: { input: () => go(Number(slider!.value)) },
      })
    : null;
  const show = () => {
    const img = list[index];
    const alt = `${key} at step ${img.step}`;
    replaceChildren(open, imageElement(img, alt));
    open.setAttribute('aria-label', `Open ${alt} large`);
    label.textContent = many ? `step ${img.step} (${index + 1}/${list.length})` : `step ${img.step}`;
    if (slider) slider.value = String(index);
  };
  const go = (i: number) => {
    index = i;
    show();
    onStep(key, list[index].step);
  };
  show();
  return el('section', { class: 'image-card', dataset: { key } }, el('header', { class: 'image-title' }, el('span', { text: key, title: key }), label), frame, slider);
}
