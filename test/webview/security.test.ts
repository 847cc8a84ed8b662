// Text from run data is text: a run named `<img src=x onerror=alert(1)>` (and the same in
// every other field an event can carry) shows as those characters in every panel; no
// element is made from it, no script runs, the CSP reports nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CompareFromWebview, CompareToWebview } from '../../src/protocol/comparePanel';
import type { RunFromWebview, RunToWebview } from '../../src/protocol/runPanel';
import type { TableFromWebview, TableToWebview } from '../../src/protocol/tablePanel';
import { serveCompare, serveRun, serveTable, workspace, type Workspace } from './fakeHosts';
import { Harness, type PanelPage } from './harness';

const EVIL = '<img src=x onerror=alert(1)>';
const EVIL2 = '"><svg onload=alert(2)><script>alert(3)</script>';
const A = '20240104-000000-e1e1e1';
const B = '20240104-000001-e2e2e2';
let h: Harness;
let ws: Workspace;

before(async () => {
  const evilRun = (id: string, seed: number) => ({
    id,
    name: seed ? EVIL2 : EVIL,
    experiment: EVIL,
    status: 'failed' as const,
    seed,
    params: { [EVIL]: EVIL2, lr: seed },
    keys: [`train/${EVIL}`, 'loss'],
    steps: 50,
    tags: [EVIL, EVIL2],
    note: EVIL2,
    images: [{ key: EVIL, steps: [0] }],
    artifacts: [{ name: EVIL, kind: EVIL2, content: `a${seed}` }],
    datasets: [{ name: EVIL, path: EVIL2, files: [{ path: EVIL, content: `d${seed}` }, { path: 'b', content: 'b' }] }],
    code: [{ path: `${EVIL}.py`, content: `c${seed}` }],
    output: `${EVIL}\n${EVIL2}\n`,
    error: `Traceback\n${EVIL}`,
  });
  ws = workspace([evilRun(A, 0), evilRun(B, 1)]);
  h = await Harness.start();
  h.blobRoot = ws.root;
});

after(async () => {
  await h.stop();
  ws.dispose();
});

/** Elements or attributes that the data could only have made by being parsed as HTML. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyPage = PanelPage<any, any>;

async function injected(p: AnyPage): Promise<string[]> {
  return p.page.evaluate(() => {
    const found: string[] = [];
    for (const e of document.querySelectorAll('*')) {
      if (e.tagName === 'SCRIPT' && !(e as HTMLScriptElement).src) found.push('inline script');
      if (e.tagName === 'IMG' && !(e as HTMLImageElement).src.includes('/blobs/')) found.push(`img ${(e as HTMLImageElement).src}`);
      if (e.tagName === 'svg') found.push('svg');
      for (const a of e.getAttributeNames()) if (/^on/i.test(a)) found.push(`${e.tagName} ${a}`);
    }
    return found;
  });
}

async function check(p: AnyPage, mustShow: string[]): Promise<void> {
  const text = (await p.page.evaluate(() => document.body.textContent)) ?? '';
  for (const s of mustShow) assert.ok(text.includes(s), `shows ${s} as text`);
  assert.deepEqual(await injected(p), []);
  assert.deepEqual(p.dialogs, [], 'no alert ran');
  assert.deepEqual(p.cspViolations, []);
  assert.deepEqual(p.errors, []);
}

test('Run panel: every field shows as text, on every tab', async () => {
  const p = await h.open<RunToWebview, RunFromWebview>('run');
  serveRun(h, p, ws, A);
  try {
    await p.page.locator(`.chart-card[data-painted]`).first().waitFor({ state: 'attached' });
    assert.equal(await p.page.locator('h1.run-name').textContent(), EVIL);
    await p.post({ type: 'output', text: `${EVIL}\n${EVIL2}\n`, reset: true, truncated: false, exists: true });
    await check(p, [EVIL, EVIL2, `train/${EVIL}`]);
    for (const tab of ['overview', 'images', 'artifacts', 'datasets', 'output', 'code']) {
      await p.page.locator(`vscode-tab-header[data-tab="${tab}"]`).click();
      await p.page.locator(`vscode-tab-panel[data-tab="${tab}"]`).waitFor();
    }
    await p.page.locator('vscode-tab-header[data-tab="output"]').click();
    await p.page.locator('vscode-textfield.output-search input').fill('img');
    await p.page.locator('.output-log mark').first().waitFor();
    await check(p, [EVIL, EVIL2, `${EVIL}.py`, 'Traceback']);
    await p.screenshot('xss-run-output');
  } finally {
    await p.close();
  }
});

test('Compare panel: names, params, metric keys, images, datasets and code paths show as text', async () => {
  const p = await h.open<CompareToWebview, CompareFromWebview>('compare', { state: { runIds: [A, B] } });
  serveCompare(h, p, ws, [A, B]);
  try {
    await p.page.locator('.chart-card[data-painted]').first().waitFor({ state: 'attached' });
    await check(p, [EVIL, EVIL2, `train/${EVIL}`, `${EVIL}.py`]);
    await p.screenshot('xss-compare');
  } finally {
    await p.close();
  }
});

test('Runs Table: names, tags and param columns show as text', async () => {
  const p = await h.open<TableToWebview, TableFromWebview>('table');
  serveTable(p, ws);
  try {
    await p.page.locator('.vt-row').first().waitFor();
    await check(p, [EVIL, EVIL2]);
    await p.page.locator('vscode-button', { hasText: 'Columns…' }).click();
    await p.page.locator('vscode-button', { hasText: 'Chart' }).click();
    await p.page.locator('.runs-chart[data-points]').waitFor({ state: 'attached' });
    await check(p, [EVIL]);
  } finally {
    await p.close();
  }
});
