// The Runs Table webview in Chromium: 10,000 runs × 30 params × 10 metrics sent once, rows
// virtualized, sorted and filtered in the webview.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TableFromWebview, TablePanelState, TableToWebview } from '../../src/protocol/tablePanel';
import type { TableData } from '../../src/protocol/tableData';
import { filterRows } from '../../webview/table/rowOrder';
import { Harness, type PanelPage } from './harness';
import { syntheticTable } from './tableFixture';

let h: Harness;
const data = syntheticTable(10_000);

before(async () => {
  h = await Harness.start();
});

after(async () => {
  await h.stop();
});

type Page = PanelPage<TableToWebview, TableFromWebview>;

async function openTable(d: TableData = data, state?: TablePanelState): Promise<Page> {
  const p: Page = await h.open<TableToWebview, TableFromWebview>('table', { state });
  await p.waitForMessage('ready');
  await p.post({ type: 'rows', data: d, complete: true });
  await p.page.locator('.vt-row').first().waitFor();
  return p;
}

const shownRows = (p: Page) => p.page.$$eval('.vt-row:not([hidden])', (rows) => rows.length);
/** Text of a column in the rows on screen, top to bottom. */
const column = (p: Page, index: number) =>
  p.page.$$eval(
    '.vt-row:not([hidden])',
    (rows, i) =>
      rows
        .map((r) => ({ y: Number((r as HTMLElement).dataset.pos), text: r.children[i as number]?.textContent ?? '' }))
        .sort((a, b) => a.y - b.y)
        .map((r) => r.text),
    index,
  );

test('10,000 rows: the DOM holds only the rows in view, at the top and after scrolling to the end', async () => {
  const p = await openTable();
  try {
    assert.equal(await p.page.locator('.vt').getAttribute('aria-rowcount'), '10001');
    assert.match((await p.page.locator('.table-count').textContent()) ?? '', /^10,000 of 10,000 runs$/);
    const top = await shownRows(p);
    assert.ok(top > 10 && top < 80, `${top} rows in the DOM`);
    await p.page.locator('.vt').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await p.page.waitForFunction(() => [...document.querySelectorAll('.vt-row:not([hidden])')].some((r) => (r as HTMLElement).dataset.pos === '9999'));
    assert.ok((await shownRows(p)) < 80);
    assert.ok((await p.page.locator('.vt-row').count()) < 80, 'the row pool never grows past the view');
    assert.deepEqual(p.cspViolations, []);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('fewer runs while scrolled to the end: their rows show as the data arrives, without an error or a blank frame', async () => {
  const p = await openTable();
  try {
    await p.page.locator('.vt').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await p.page.waitForFunction(() => [...document.querySelectorAll('.vt-row:not([hidden])')].some((r) => (r as HTMLElement).dataset.pos === '9999'));
    // Counted when the new count is written, before the browser's scroll event for the clamped offset.
    await p.page.evaluate(() => {
      const w = window as unknown as { __shown?: number };
      new MutationObserver((_records, o) => {
        w.__shown = document.querySelectorAll('.vt-row:not([hidden])').length;
        o.disconnect();
      }).observe(document.querySelector('.table-count')!, { childList: true, characterData: true, subtree: true });
    });
    await p.post({ type: 'rows', data: syntheticTable(30), complete: true });
    await p.page.waitForFunction(() => (window as unknown as { __shown?: number }).__shown !== undefined);
    assert.equal(await p.page.evaluate(() => (window as unknown as { __shown: number }).__shown), 30);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('sort: a click sorts by a column, a second click reverses, shift-click adds a tie-breaker', async () => {
  const p = await openTable();
  try {
    // Default: newest first.
    assert.equal((await column(p, 0))[0], data.names[0]);
    await p.page.locator('.vt-head[data-column="p:param_00"]').click();
    const values = [...(data.params[0].values as Float64Array)].sort((a, b) => a - b);
    const paramIndex = await p.page.$$eval('.vt-head', (hs) => hs.findIndex((x) => (x as HTMLElement).dataset.column === 'p:param_00'));
    const firstShown = (await column(p, paramIndex)).slice(0, 5).map(Number);
    assert.deepEqual(firstShown, values.slice(0, 5));
    await p.page.locator('.vt-head[data-column="p:param_00"]').click();
    assert.deepEqual((await column(p, paramIndex)).slice(0, 3).map(Number), values.slice(-3).reverse());
    assert.deepEqual((p.state as TablePanelState).sort, [{ column: 'p:param_00', desc: true }]);
    // status, then name within a status
    await p.page.locator('.vt-head[data-column="status"]').click();
    await p.page.locator('.vt-head[data-column="name"]').click({ modifiers: ['Shift'] });
    assert.deepEqual((p.state as TablePanelState).sort, [{ column: 'status', desc: false }, { column: 'name', desc: false }]);
    const crashed = data.names.filter((_, i) => data.status[i] === 'crashed').sort(new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare);
    assert.deepEqual((await column(p, 0)).slice(0, 4), crashed.slice(0, 4));
    assert.equal(await p.page.locator('.vt-head[data-column="name"]').getAttribute('aria-sort'), 'ascending');
  } finally {
    await p.close();
  }
});

test('filter: the query goes to the host, the rows it answers show, a syntax error shows under the box at its column', async () => {
  const p = await openTable();
  try {
    const box = p.page.locator('.table-filter input');
    const failed = data.ids.filter((_, i) => data.status[i] === 'failed');
    await box.fill('status:failed');
    const ask = await p.waitForMessage('request', (m) => m.params.query === 'status:failed');
    await p.post({ type: 'reply', id: ask.id, method: 'filter', value: failed });
    await p.page.waitForFunction((n) => document.querySelector('.table-count')?.textContent === `${n.toLocaleString('en-US')} of 10,000 runs`, failed.length);
    assert.ok((await column(p, 1)).every((s) => s === 'failed'));
    assert.equal((p.state as TablePanelState).filter, 'status:failed');

    await box.fill('params.lr >');
    const bad = await p.waitForMessage('request', (m) => m.params.query === 'params.lr >');
    await p.post({ type: 'reply', id: bad.id, method: 'filter', error: { message: 'Query error at column 12: expected a value, found end of query', column: 12 } });
    const error = p.page.locator('.filter-error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /column 12: expected a value/);
    assert.equal(await p.page.locator('.filter-error-where').textContent(), `params.lr >\n${' '.repeat(11)}^`);
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    // The last rows the host answered stay while the query is invalid.
    assert.match((await p.page.locator('.table-count').textContent()) ?? '', new RegExp(`^${failed.length.toLocaleString('en-US')} of`));

    await box.fill('');
    await p.page.waitForFunction(() => document.querySelector('.table-count')?.textContent === '10,000 of 10,000 runs');
    assert.ok(await error.isHidden());
    await p.screenshot('table-filter-error');
  } finally {
    await p.close();
  }
});

test('filter completion: field names and the loaded runs\' keys at the caret, picked with the keyboard', async () => {
  const p = await openTable(syntheticTable(50, 3, 2));
  try {
    const box = p.page.locator('.table-filter input');
    await box.click();
    await box.pressSequentially('para');
    await p.page.locator('.filter-completions li', { hasText: /^params\.$/ }).waitFor();
    await box.press('Enter');
    assert.equal(await box.inputValue(), 'params.');
    await p.page.locator('.filter-completions li', { hasText: /^params\.param_00$/ }).waitFor();
    await box.press('ArrowDown');
    await box.press('Tab');
    assert.equal(await box.inputValue(), 'params.param_01');
    assert.ok(await p.page.locator('.filter-completions').isHidden());
    await box.pressSequentially(' > 1 and metrics.val/metric_0.m');
    await p.page.locator('.filter-completions li', { hasText: /^metrics\.val\/metric_0\.max$/ }).waitFor();
    await box.press('Escape');
    assert.ok(await p.page.locator('.filter-completions').isHidden());
  } finally {
    await p.close();
  }
});

test('select rows, then Compare; double-click opens a run', async () => {
  const p = await openTable();
  try {
    const byPos = (pos: number) => p.page.locator(`.vt-row[data-pos="${pos}"]`);
    await byPos(0).click();
    await byPos(2).click({ modifiers: ['Control'] });
    await byPos(3).click({ modifiers: ['Control'] });
    assert.equal(await p.page.locator('.vt-row.selected').count(), 3);
    await p.page.locator('vscode-button', { hasText: 'Compare (3)' }).click();
    assert.deepEqual(await p.waitForMessage('compare'), { type: 'compare', runIds: [data.ids[0], data.ids[2], data.ids[3]] });
    await byPos(5).dblclick();
    assert.deepEqual(await p.waitForMessage('openRun'), { type: 'openRun', runId: data.ids[5] });
    await byPos(1).click({ modifiers: ['Shift'] });
    assert.deepEqual(new Set((p.state as TablePanelState).selected), new Set([data.ids[1], data.ids[2], data.ids[3], data.ids[4], data.ids[5]]));
  } finally {
    await p.close();
  }
});

test('the column chooser hides and shows columns; min/max summaries can be added', async () => {
  const p = await openTable();
  try {
    await p.page.locator('vscode-button', { hasText: 'Columns…' }).click();
    await p.page.locator('.column-chooser vscode-checkbox[data-column="experiment"]').click();
    await p.page.waitForFunction(() => !document.querySelector('.vt-head[data-column="experiment"]'));
    await p.page.locator('.column-chooser vscode-checkbox[data-column="m:max:val/metric_0"]').click();
    await p.page.locator('.vt-head[data-column="m:max:val/metric_0"]').waitFor();
    const cols = (p.state as TablePanelState).columns!;
    assert.ok(!cols.includes('experiment') && cols.includes('m:max:val/metric_0') && cols.includes('p:param_29'));
  } finally {
    await p.close();
  }
});

test('metric over runs: one point per shown run with the metric, against start time or a param', async () => {
  const p = await openTable();
  try {
    await p.page.locator('vscode-button', { hasText: 'Chart' }).click();
    await p.page.waitForFunction(() => Number((document.querySelector('.runs-chart') as HTMLElement).dataset.points) > 0);
    const expected = data.metrics[0].has.reduce((s, x) => s + x, 0);
    assert.equal(Number(await p.page.locator('.runs-chart').getAttribute('data-points')), expected);
    await p.page.locator('.table-filter input').fill('status:failed');
    const ask = await p.waitForMessage('request', (m) => m.params.query === 'status:failed');
    const ids = data.ids.filter((_, i) => data.status[i] === 'failed');
    await p.post({ type: 'reply', id: ask.id, method: 'filter', value: ids });
    const failed = filterRows(data, new Set(ids)).filter((i) => data.metrics[0].has[i]).length;
    await p.page.waitForFunction((n) => Number((document.querySelector('.runs-chart') as HTMLElement).dataset.points) === n, failed);
    const against = p.page.locator('.runs-chart vscode-single-select').nth(1);
    await against.click();
    await against.getByRole('option', { name: 'param_03', exact: true }).click();
    assert.equal((p.state as TablePanelState).chart?.x, 'p:param_03');
  } finally {
    await p.close();
  }
});

test('the newest page shows first, then every run replaces it', async () => {
  const all = syntheticTable(500, 3, 2);
  const page: TableData = { ...all, ids: all.ids.slice(0, 20), names: all.names.slice(0, 20), status: all.status.slice(0, 20), experiment: all.experiment.slice(0, 20), sweeps: all.sweeps.slice(0, 20), started: all.started.slice(0, 20), duration: all.duration.slice(0, 20), tags: all.tags.slice(0, 20), notes: all.notes.slice(0, 20), params: [], metrics: [] };
  const p: Page = await h.open<TableToWebview, TableFromWebview>('table');
  try {
    await p.waitForMessage('ready');
    await p.post({ type: 'rows', data: page, complete: false });
    await p.page.locator('.vt-row').first().waitFor();
    assert.equal(await p.page.locator('.table-count').textContent(), '20 of 20+ runs (loading the rest…)');
    await p.post({ type: 'rows', data: all, complete: true });
    await p.page.waitForFunction(() => document.querySelector('.table-count')?.textContent === '500 of 500 runs');
    assert.equal(await p.page.locator('.vt').getAttribute('aria-rowcount'), '501');
  } finally {
    await p.close();
  }
});

test('live patches: a changed run updates in place, a removed one leaves', async () => {
  const small = syntheticTable(50, 3, 2);
  const p = await openTable(small);
  try {
    const patch = syntheticTable(1, 3, 2);
    patch.ids = [small.ids[0]];
    patch.names = ['renamed-live'];
    patch.status = ['crashed'];
    patch.started = Float64Array.of(small.started[0]);
    await p.post({ type: 'rowsChanged', data: patch, removed: [small.ids[1]] });
    await p.page.waitForFunction(() => document.querySelector('.table-count')?.textContent?.startsWith('49 of 49'));
    assert.equal((await column(p, 0))[0], 'renamed-live');
    assert.equal((await column(p, 1))[0], 'crashed');
    assert.ok(!(await column(p, 0)).includes(small.names[1]));
  } finally {
    await p.close();
  }
});
