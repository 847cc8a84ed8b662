// The @vscode/webview-ui-toolkit components the panels use, registered once.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  vsCodeTag,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDivider(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeProgressRing(),
    vsCodeTag(),
    vsCodeTextArea(),
    vsCodeTextField(),
  );
}

/** The value of a toolkit form control (they are custom elements with a `value` property). */
export function valueOf(node: Element): string {
  return String((node as unknown as { value?: unknown }).value ?? '');
}

export function checkedOf(node: Element): boolean {
  return Boolean((node as unknown as { checked?: unknown }).checked);
}
