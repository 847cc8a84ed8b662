// DOM building without HTML strings: text from run data only ever goes through textContent
// or attribute values, so a run named `<img src=x onerror=…>` stays text.

type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  title?: string;
  /** Attributes set with setAttribute (values are data, never markup). */
  attrs?: Record<string, string | number | boolean | undefined>;
  /** Event listeners (never inline handler attributes). */
  on?: { [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
  dataset?: Record<string, string>;
  text?: string;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props, ...children: Child[]): HTMLElementTagNameMap[K];
export function el(tag: string, props?: Props, ...children: Child[]): HTMLElement;
export function el(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.title) node.title = props.title;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) {
    if (v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const [k, v] of Object.entries(props.dataset ?? {})) node.dataset[k] = v;
  for (const [k, fn] of Object.entries(props.on ?? {})) node.addEventListener(k, fn as EventListener);
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replaces every child of `node`. */
export function replaceChildren(node: Element, ...children: Child[]): void {
  node.replaceChildren();
  append(node, ...children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing`);
  return node as T;
}

/**
 * A name (`train/accuracy_top5`, a file path) that may wrap after its separators / _ . - but
 * not inside a word: the text with a line-break opportunity (<wbr>) after each separator.
 */
export function breakable(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const part of text.split(/(?<=[/_.\-])/)) frag.append(part, document.createElement('wbr'));
  frag.lastChild?.remove();
  return frag;
}
