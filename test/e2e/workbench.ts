// UI helpers over the VS Code workbench DOM (1.100 and 1.139). Every helper waits for what it needs.
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { resultsSuffix } from './code-server.ts';
import { screenshotsDir } from './paths.ts';
import { waitFor } from './wait.ts';

export interface WaitTimeout {
  timeout?: number;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (s: string | RegExp) => (typeof s === 'string' ? new RegExp(`^\\s*${escapeRegExp(s)}\\s*$`) : s);
const cssString = (s: string) => JSON.stringify(s);
/** One attempt's wait in a retry loop: at most 5 s, and never past the deadline. */
const attemptWait = (deadline: number) => Math.min(5_000, Math.max(1, deadline - performance.now()));

export class Workbench {
  /** Clicks on tree rows that ran no command: the row was redrawn under the click. */
  private lostClicks = 0;

  constructor(
    readonly page: Page,
    readonly extensionId: string,
    readonly timeout = 30_000,
  ) {
    page.on('console', (m) => {
      if (m.text().includes('Actual command not found')) this.lostClicks++;
    });
  }

  // ── quick input (command palette, quick picks, input boxes) ──

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  private get quickInputBox(): Locator {
    return this.quickInput.locator('.quick-input-box input');
  }

  /** Rows of the open quick pick whose label is exactly `label` (or matches the RegExp). */
  quickPickItem(label: string | RegExp): Locator {
    return this.quickInput
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) });
  }

  /** Runs a palette command by its full title, e.g. "Trackside: Start Tracked Run". */
  async runCommand(title: string, { timeout = this.timeout }: WaitTimeout = {}): Promise<void> {
    const deadline = performance.now() + timeout;
    // A webview (an iframe) holding the focus keeps F1 to itself: the workbench takes it back.
    await this.page.evaluate(() => {
      const active = document.activeElement;
      if (active instanceof HTMLIFrameElement) active.blur();
    });
    // Commands of an extension appear once its manifest is loaded, and the palette closes when
    // something else takes the focus (a view shown, a panel opened): reopen it until then.
    for (;;) {
      await this.page.keyboard.press('F1');
      await this.quickInputBox.waitFor({ state: 'visible', timeout });
      const item = this.quickPickItem(title).first();
      try {
        const wait = attemptWait(deadline);
        await this.quickInputBox.fill(`>${title}`, { timeout: wait });
        await item.waitFor({ state: 'visible', timeout: wait });
      } catch (err) {
        await this.page.keyboard.press('Escape');
        if (performance.now() >= deadline) throw new Error(`Command "${title}" not found in the palette`, { cause: err });
        continue;
      }
      await item.click();
      return;
    }
  }

  /** Opens a workspace file (path relative to the workspace) through Quick Open; waits for its tab. */
  async openFile(relativePath: string, { timeout = this.timeout }: WaitTimeout = {}): Promise<void> {
    const name = relativePath.split('/').pop()!;
    await this.page.keyboard.press('F1');
    await this.quickInputBox.waitFor({ state: 'visible', timeout });
    await this.quickInputBox.fill(relativePath); // no '>' prefix: file search mode
    await this.quickPick(name, { timeout });
    // By the tab's resource name: 1.139 splits the label into name and suffix ("train" ".py").
    await this.page
      .locator(`.editor-group-container.active .tab.active[data-resource-name=${cssString(name)}]`)
      .waitFor({ state: 'visible', timeout });
    // The tab shows before the text is read; the extension host learns of the editor only once
    // its model is attached (a palette command before that sees the editor before it).
    if (!name.endsWith('.ipynb')) {
      await this.page.locator(`.editor-group-container.active [data-uri$=${cssString(`/${name}`)}]`).first().waitFor({ state: 'attached', timeout });
    }
  }

  /** Clicks an action in the active editor's title bar (it gets the editor's file, whatever the extension host thinks is active). */
  async editorTitleAction(label: string | RegExp, { timeout = this.timeout }: WaitTimeout = {}): Promise<void> {
    await this.page.locator('.editor-group-container.active .editor-actions').getByRole('button', { name: label }).first().click({ timeout });
  }

  /** Types into the open quick input (input box or quick pick filter) and presses Enter. */
  async quickInputType(text: string, { timeout = this.timeout }: WaitTimeout = {}): Promise<void> {
    await this.quickInputBox.waitFor({ state: 'visible', timeout });
    await this.quickInputBox.fill(text);
    await this.quickInputBox.press('Enter');
    // Enter waits for the extension's validation: until the box closes or moves on, a key or the palette would land in it (or cancel it).
    await this.page.waitForFunction(
      (typed) => {
        const box = document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input');
        return !box || box.offsetParent === null || box.value !== typed;
      },
      text,
      { timeout },
    );
  }

  /** Picks the item labelled `label` in the open quick pick (toggles it in a multi-select one). */
  async quickPick(label: string | RegExp, { timeout = this.timeout }: WaitTimeout = {}): Promise<void> {
    const item = this.quickPickItem(label).first();
    await item.waitFor({ state: 'visible', timeout });
    await item.click();
  }

  /** Accepts the open quick input as it is (e.g. a multi-select quick pick). */
  async quickInputAccept({ timeout = this.timeout }: WaitTimeout = {}): Promise<void> {
    await this.quickInputBox.waitFor({ state: 'visible', timeout });
    await this.quickInputBox.press('Enter');
  }

  // ── views and trees ──

  /** The activity bar entry of a view container, by its title ("Trackside"). */
  activityBarItem(containerTitle: string): Locator {
    const t = containerTitle;
    return this.page
      .locator('.part.activitybar li.action-item[role="tab"]')
      .filter({ has: this.page.locator(`a.action-label[aria-label=${cssString(t)}], a.action-label[aria-label^=${cssString(`${t} (`)}]`) });
  }

  /**
   * Shows a view container in the side bar (a click on an already active one would hide it).
   * Just after a window reload the workbench may still be restoring the side bar: a click
   * then can land as a toggle, so it checks again and clicks again until the title shows.
   */
  async openView(containerTitle: string, { timeout = this.timeout }: WaitTimeout = {}): Promise<Locator> {
    const item = this.activityBarItem(containerTitle);
    const sidebar = this.page.locator('.part.sidebar');
    const title = sidebar.locator('.composite.title h2', { hasText: new RegExp(`^${escapeRegExp(containerTitle)}`, 'i') });
    const deadline = performance.now() + timeout;
    await item.waitFor({ state: 'visible', timeout });
    for (;;) {
      if (!(await sidebar.isVisible()) || (await item.getAttribute('aria-selected')) !== 'true') {
        await item.click();
        await this.page.mouse.move(0, 0); // else its hover tooltip shows up in screenshots
      }
      try {
        await title.waitFor({ state: 'visible', timeout: attemptWait(deadline) });
        return sidebar;
      } catch (err) {
        if (performance.now() >= deadline) throw err;
      }
    }
  }

  /**
   * The body of a view in the side bar, by view name ("Runs"). With one view in a container
   * VS Code hides the pane header and titles the side bar "CONTAINER: VIEW"; both are handled.
   */
  async view(name: string, { timeout = this.timeout }: WaitTimeout = {}): Promise<Locator> {
    const sidebar = this.page.locator('.part.sidebar');
    const pane = sidebar.locator('.pane').filter({ has: this.page.locator('.pane-header', { hasText: exactly(name) }) });
    const merged = sidebar.locator('.composite.title h2', { hasText: new RegExp(`: ${escapeRegExp(name)}$`, 'i') });
    await pane.or(merged).first().waitFor({ state: 'visible', timeout });
    if (await pane.isVisible()) {
      const header = pane.locator('.pane-header');
      if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
      await pane.locator('.pane-body').waitFor({ state: 'visible', timeout });
      return pane.locator('.pane-body');
    }
    return sidebar.locator('.pane-body').first();
  }

  /** Tree rows (side bar or panel) whose label is exactly `label`. */
  treeItem(label: string | RegExp): Locator {
    return this.page
      .locator('.part.sidebar .monaco-list-row[role="treeitem"], .part.panel .monaco-list-row[role="treeitem"], .part.auxiliarybar .monaco-list-row[role="treeitem"]')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) });
  }

  /** Waits until a tree row with that label (and description, if given) is visible. */
  async waitForTreeItem(label: string | RegExp, opts: WaitTimeout & { description?: string | RegExp } = {}): Promise<Locator> {
    let item = this.treeItem(label);
    if (opts.description !== undefined) {
      item = item.filter({ has: this.page.locator('.label-description', { hasText: exactly(opts.description) }) });
    }
    await item.first().waitFor({ state: 'visible', timeout: opts.timeout ?? this.timeout });
    return item.first();
  }

  /**
   * Clicks a tree row until `shown` is attached. A click on a row the tree is redrawing runs no
   * command (VS Code logs "Actual command not found"): the row, found again, is clicked again.
   */
  async clickTreeItem(label: string | RegExp, shown: Locator, opts: WaitTimeout & { description?: string | RegExp } = {}): Promise<void> {
    const timeout = opts.timeout ?? this.timeout;
    for (let attempt = 1; ; attempt++) {
      const lost = this.lostClicks;
      await (await this.waitForTreeItem(label, opts)).click();
      const outcome = await waitFor(async () => ((await shown.count()) > 0 ? 'shown' : this.lostClicks > lost && 'lost'), {
        timeout: 2 * timeout,
        message: `what a click on ${String(label)} shows`,
      });
      if (outcome === 'shown') return;
      if (attempt === 3) throw new Error(`three clicks on ${String(label)} were lost to the tree being redrawn`);
    }
  }

  /** Expands a collapsible tree row (e.g. an experiment group) if it is collapsed. */
  async expandTreeItem(label: string | RegExp, { timeout = this.timeout }: WaitTimeout = {}): Promise<Locator> {
    // Rows are re-rendered when the tree refreshes: query again each time, never hold a handle.
    const row = this.treeItem(label).first();
    await row.waitFor({ state: 'visible', timeout });
    const deadline = performance.now() + timeout;
    while ((await row.getAttribute('aria-expanded', { timeout })) !== 'true') {
      if (performance.now() > deadline) throw new Error(`tree item ${String(label)} did not expand`);
      await row.locator('.monaco-tl-twistie').click({ timeout });
      await this.page
        .locator('.monaco-list-row[aria-expanded="true"]')
        .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) })
        .first()
        .waitFor({ timeout: 2_000 })
        .catch(() => undefined); // re-rendered meanwhile: look again
    }
    return row;
  }

  /** Hovers a row until its tooltip holding `text` shows (a refresh of the row cancels a pending hover: hover again). */
  async tooltip(row: Locator, text: string | RegExp, { timeout = this.timeout }: WaitTimeout = {}): Promise<Locator> {
    const hover = this.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: text }).first();
    const deadline = performance.now() + timeout;
    for (;;) {
      await this.page.mouse.move(0, 0);
      await row.hover({ timeout });
      const shown = await hover.waitFor({ state: 'visible', timeout: attemptWait(deadline) }).then(() => true, () => false);
      if (shown) return hover;
      if (performance.now() >= deadline) throw new Error(`no tooltip with ${String(text)} on hovering the row`);
    }
  }

  /** Right-clicks a tree row and runs an action of its context menu. */
  async contextMenu(treeItemLabel: string | RegExp, actionLabel: string, { timeout = this.timeout }: WaitTimeout = {}): Promise<void> {
    const menuItem = (state: string) =>
      this.page
        .locator(`.context-view.monaco-menu-container .action-item${state}`)
        .filter({ has: this.page.locator('.action-label', { hasText: exactly(actionLabel) }) })
        .first();
    const action = menuItem(':not(.disabled)');
    // A live tree refresh at the moment of the right-click closes the menu it opened: open it again.
    for (let attempt = 1; ; attempt++) {
      const item = await this.waitForTreeItem(treeItemLabel, { timeout });
      await item.click({ button: 'right' });
      const opened = await action.waitFor({ state: 'visible', timeout: attempt === 3 ? timeout : 5_000 }).then(() => true, () => false);
      if (opened) break;
      if (attempt === 3) throw new Error(`the context menu of ${String(treeItemLabel)} never showed "${actionLabel}"`);
      await this.page.keyboard.press('Escape');
    }
    // A click on a menu that has just opened is dropped; once hovering has focused the item, it runs.
    await action.hover();
    await menuItem('.focused').waitFor({ state: 'visible', timeout });
    await action.click();
  }

  // ── notifications, webviews, screenshots ──

  /** Waits for a notification toast whose text matches; use `.getByRole('button', …)` on it for actions. */
  async notification(text: string | RegExp, { timeout = this.timeout }: WaitTimeout = {}): Promise<Locator> {
    const toast = this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout });
    return toast;
  }

  /** The content frame of the visible webview of an extension (outer iframe, then #active-frame). */
  webviewFrame(extensionId = this.extensionId): FrameLocator {
    return this.page
      .frameLocator(`iframe.webview[src*=${cssString(`extensionId=${extensionId}`)}]:visible`)
      .first()
      .frameLocator('iframe#active-frame');
  }

  /** Saves `test-results/screenshots/<name>.png` (`<name>-vscode-<version>.png` on a non-default VS Code), returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(screenshotsDir, { recursive: true });
    const path = join(screenshotsDir, `${name}${resultsSuffix()}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
