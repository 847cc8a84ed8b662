// Logged images: grouped by key, looked up by step, shown from the blob store's webview URI.
import type { ImageView } from '../../src/protocol/runView';
import { el } from './dom';

export function imagesByKey(images: ImageView[]): Map<string, ImageView[]> {
  const out = new Map<string, ImageView[]>();
  for (const i of images) {
    const list = out.get(i.key) ?? [];
    list.push(i);
    out.set(i.key, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.step - b.step);
  return out;
}

/** The image logged at `step`, else the latest one before it. */
export function imageAt(list: ImageView[], step: number): ImageView | undefined {
  let found: ImageView | undefined;
  for (const i of list) {
    if (i.step <= step) found = i;
    else break;
  }
  return found;
}

export function imageElement(img: ImageView, alt: string): HTMLImageElement {
  return el('img', {
    // Small images (icons, 28×28 digits) are scaled up without blurring.
    class: `logged-image${(img.width ?? 999) < 128 ? ' small' : ''}`,
    attrs: { src: img.src, alt, width: img.width ?? undefined, height: img.height ?? undefined, loading: 'lazy', decoding: 'async' },
  });
}

/** The image as a button that opens it large (the viewer takes the keyboard from there). */
export function openableImage(img: ImageView, alt: string, open: () => void): HTMLButtonElement {
  return el('button', { class: 'image-open', attrs: { type: 'button', title: 'Open large (natural size)', 'aria-label': `Open ${alt} large` }, on: { click: open } }, imageElement(img, alt));
}
