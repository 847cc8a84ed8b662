// The @vscode-elements/elements components the panels use. Importing a component's module
// defines its element; each panel's script carries them (the webview fetches nothing). They
// style themselves with constructable stylesheets and set styles through the CSSOM, so the
// panels' CSP needs no inline-style allowance.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-context-menu/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';

/** The value of a form element (they are custom elements with a `value` property). */
export function valueOf(node: Element): string {
  return String((node as unknown as { value?: unknown }).value ?? '');
}

export function setValue(node: Element, value: string): void {
  (node as unknown as { value: string }).value = value;
}

export function checkedOf(node: Element): boolean {
  return Boolean((node as unknown as { checked?: unknown }).checked);
}

/** Names a text field or area for assistive technology (the element passes it to its input). */
export function labelled<T extends HTMLElement>(node: T, label: string): T {
  (node as unknown as { label: string }).label = label;
  return node;
}
