// A large view of a logged image over the panel, at its natural size (the box scrolls when it
// is bigger than the panel): ← → Home End or the slider walk the steps of its key, + − zoom,
// 0 is natural size, F fits it to the panel, Escape closes. A modal <dialog> keeps the focus
// in it and gives it back to the image that opened it.
import type { ImageView } from '../../src/protocol/runView';
import { el, replaceChildren } from './dom';

const ZOOMS = [0.25, 0.5, 1, 2, 4, 8, 16];

export interface ViewerOptions {
  /** Shown above the image (the key, and the run in Compare). */
  title: string;
  /** The key's images in step order; the viewer opens on `index`. */
  images: ImageView[];
  index: number;
  /** Told of each step shown, so the card that opened it can follow. */
  onIndex?: (index: number) => void;
}

export class ImageViewer {
  private readonly dialog: HTMLDialogElement;
  private readonly heading = el('h2', { class: 'viewer-title' });
  private readonly stepLabel = el('span', { class: 'viewer-step' });
  private readonly zoomLabel = el('span', { class: 'viewer-zoom', attrs: { 'aria-live': 'polite' } });
  private readonly box = el('div', { class: 'viewer-box', attrs: { tabindex: 0 } });
  private readonly slider: HTMLInputElement;
  private opts: ViewerOptions = { title: '', images: [], index: 0 };
  private index = 0;
  /** A zoom factor, or fit to the panel. */
  private zoom: number | 'fit' = 1;
  private img: HTMLImageElement | undefined;

  constructor() {
    const button = (text: string, label: string, click: () => void) => el('vscode-button', { attrs: { secondary: true, title: label, 'aria-label': label }, text, on: { click } });
    this.slider = el('input', {
      class: 'image-slider viewer-slider',
      attrs: { type: 'range', min: 0, step: 1 },
      on: { input: () => this.show(Number(this.slider.value)) },
    });
    this.dialog = el(
      'dialog',
      { class: 'image-viewer', attrs: { 'aria-label': 'Image' } },
      el(
        'header',
        { class: 'viewer-head' },
        this.heading,
        this.stepLabel,
        el(
          'div',
          { class: 'viewer-tools' },
          button('−', 'Zoom out (−)', () => this.setZoom(this.step(-1))),
          this.zoomLabel,
          button('+', 'Zoom in (+)', () => this.setZoom(this.step(1))),
          button('1:1', 'Natural size (0)', () => this.setZoom(1)),
          button('Fit', 'Fit to the panel (F)', () => this.setZoom('fit')),
          button('✕', 'Close (Escape)', () => this.dialog.close()),
        ),
      ),
      this.box,
      this.slider,
    );
    this.dialog.addEventListener('keydown', (e) => this.onKey(e));
    // A click on the backdrop (outside the dialog's box) closes it, as in VS Code's overlays.
    this.dialog.addEventListener('click', (e) => {
      if (e.target === this.dialog) this.dialog.close();
    });
    document.body.append(this.dialog);
  }

  get isOpen(): boolean {
    return this.dialog.open;
  }

  open(opts: ViewerOptions): void {
    this.opts = opts;
    this.zoom = 1;
    this.heading.textContent = opts.title;
    this.slider.hidden = opts.images.length < 2;
    this.slider.max = String(Math.max(0, opts.images.length - 1));
    this.slider.setAttribute('aria-label', `Step of ${opts.title}`);
    if (!this.dialog.open) this.dialog.showModal();
    this.show(opts.index);
    this.box.focus();
  }

  private show(index: number): void {
    const images = this.opts.images;
    this.index = Math.min(Math.max(0, index), images.length - 1);
    const image = images[this.index];
    if (!image) return;
    this.slider.value = String(this.index);
    this.stepLabel.textContent = images.length > 1 ? `step ${image.step} (${this.index + 1}/${images.length})` : `step ${image.step}`;
    this.img = el('img', { class: 'viewer-image', attrs: { src: image.src, alt: `${this.opts.title} at step ${image.step}` } });
    this.img.addEventListener('load', () => this.applyZoom());
    replaceChildren(this.box, this.img);
    this.applyZoom();
    this.opts.onIndex?.(this.index);
  }

  private natural(): { width: number; height: number } {
    const image = this.opts.images[this.index];
    return { width: this.img?.naturalWidth || image?.width || 0, height: this.img?.naturalHeight || image?.height || 0 };
  }

  private step(dir: 1 | -1): number {
    const current = this.zoom === 'fit' ? this.fitFactor() : this.zoom;
    if (dir > 0) return ZOOMS.find((z) => z > current + 1e-9) ?? ZOOMS[ZOOMS.length - 1];
    return [...ZOOMS].reverse().find((z) => z < current - 1e-9) ?? ZOOMS[0];
  }

  private fitFactor(): number {
    const { width, height } = this.natural();
    if (!width || !height) return 1;
    const pad = parseFloat(getComputedStyle(this.box).paddingLeft) * 2 || 0;
    return Math.min((this.box.clientWidth - pad) / width, (this.box.clientHeight - pad) / height);
  }

  private setZoom(z: number | 'fit'): void {
    this.zoom = z;
    this.applyZoom();
  }

  private applyZoom(): void {
    const img = this.img;
    if (!img) return;
    const { width } = this.natural();
    const factor = this.zoom === 'fit' ? this.fitFactor() : this.zoom;
    if (width) img.style.width = `${Math.round(width * factor)}px`;
    img.classList.toggle('pixelated', factor > 1);
    this.zoomLabel.textContent = this.zoom === 'fit' ? `Fit (${Math.round(factor * 100)} %)` : `${Math.round(factor * 100)} %`;
    this.dialog.dataset.zoom = String(this.zoom);
  }

  private onKey(e: KeyboardEvent): void {
    // The slider walks the steps with the arrows itself.
    const onSlider = e.target === this.slider;
    const last = this.opts.images.length - 1;
    const act: Record<string, () => void> = {
      ArrowLeft: () => this.show(this.index - 1),
      ArrowRight: () => this.show(this.index + 1),
      Home: () => this.show(0),
      End: () => this.show(last),
      '+': () => this.setZoom(this.step(1)),
      '=': () => this.setZoom(this.step(1)),
      '-': () => this.setZoom(this.step(-1)),
      '0': () => this.setZoom(1),
      f: () => this.setZoom('fit'),
    };
    const fn = act[e.key];
    if (!fn || (onSlider && e.key.startsWith('Arrow')) || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    fn();
  }
}

let shared: ImageViewer | undefined;

/** The panel's one viewer, made when first needed. */
export function imageViewer(): ImageViewer {
  shared ??= new ImageViewer();
  return shared;
}
