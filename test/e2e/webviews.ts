// Finding a Trackside webview by what it shows: several panels may be open at once (a Run
// panel opened by a click stays open behind a Compare), each in its own nested iframe.
import type { FrameLocator } from 'playwright-core';
import type { VSCode } from './harness.ts';
import { waitFor } from './wait.ts';

/** The visible Trackside webview whose body holds `selector`. */
export async function panel(vs: VSCode, selector: string, timeout = 30_000): Promise<FrameLocator> {
  const outer = `iframe.webview[src*="extensionId=${vs.extensionId}"]:visible`;
  return waitFor(
    async () => {
      const n = await vs.page.locator(outer).count();
      for (let i = 0; i < n; i++) {
        const f = vs.page.frameLocator(outer).nth(i).frameLocator('iframe#active-frame');
        if ((await f.locator(selector).count().catch(() => 0)) > 0) return f;
      }
      return undefined;
    },
    { timeout, message: `a Trackside webview showing ${selector}` },
  );
}

/** Chooses a Run panel tab, from the strip or, in a narrow column, from its More menu. */
export async function chooseTab(run: FrameLocator, tab: string): Promise<void> {
  const header = run.locator(`vscode-tab-header[data-tab="${tab}"]`);
  if (!(await header.isVisible())) {
    await run.locator('.tab-more-button').click();
    await run.locator(`vscode-context-menu-item[value="${tab}"]`).click();
  } else await header.click();
  await waitFor(async () => (await header.getAttribute('active')) !== null, { message: `the ${tab} tab chosen` });
}
