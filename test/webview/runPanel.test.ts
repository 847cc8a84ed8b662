// The Run panel webview in Chromium against a fake host that answers from a real index.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunFromWebview, RunPanelState, RunToWebview } from '../../src/protocol/runPanel';
import { emaDebiased } from '../../webview/shared/ema';
import { methodsOn } from '../support/inProcessIndex';
import { serveRun, workspace, type Workspace } from './fakeHosts';
import { Harness, type PanelPage } from './harness';

const RUN = '20240102-101500-a1b2c3';
let h: Harness;
let ws: Workspace;

before(async () => {
  ws = workspace([
    {
      id: RUN,
      name: 'resnet-baseline',
      experiment: 'cifar10',
      status: 'running',
      params: { lr: 0.01, batch_size: 128, optimizer: 'adam' },
      keys: ['train/loss', 'train/acc', 'val/loss', 'val/acc', 'sys/cpu', 'lr'],
      steps: 20_000,
      epochEvery: 2000,
      stepMs: 50,
      tags: ['baseline'],
      note: 'first try',
      images: [{ key: 'samples', steps: [0, 5000, 10000] }],
      artifacts: [{ name: 'model.pt', kind: 'model', content: 'weights' }],
      datasets: [{ name: 'cifar10-train', path: 'data/train', files: [{ path: 'a.bin', content: 'A' }, { path: 'b.bin', content: 'B' }] }],
      code: [{ path: 'train.py', content: 'print("hi")\n' }],
      output: 'epoch 1 loss 0.9\nepoch 2 loss 0.5\nwarning: slow\nepoch 3 loss 0.3\n',
    },
    {
      id: '20240101-080000-f0f0f0',
      name: 'diverged',
      keys: ['loss', 'grad_norm'],
      steps: 5,
      value: (k, step) => (k === 'loss' ? (step < 4 ? 1 / (step + 1) : Number.NaN) : step < 4 ? step : Number.POSITIVE_INFINITY),
    },
    { id: '20240101-090000-d0d0d0', name: 'earlier-run', datasets: [{ name: 'cifar10-train', path: 'data/train', files: [{ path: 'a.bin', content: 'A' }, { path: 'b.bin', content: 'B' }] }] },
  ]);
  h = await Harness.start();
  h.blobRoot = ws.root;
});

after(async () => {
  await h.stop();
  ws.dispose();
});

type Page = PanelPage<RunToWebview, RunFromWebview>;

async function openRun(state?: RunPanelState): Promise<Page> {
  const p = await h.open<RunToWebview, RunFromWebview>('run', { state });
  serveRun(h, p, ws, RUN);
  return p;
}

/** What a chart holds: per dataset its kind, color and points. */
function chartData(p: Page, key: string) {
  return p.page.evaluate((k) => {
    const card = document.querySelector(`.chart-card[data-key="${k}"]`) as HTMLElement & { tracksideChart?: { data: { datasets: { lineMeta: { kind: string }; borderColor: string; data: { x: number; y: number }[] }[] }; scales: { x: { min: number; max: number }; y: { type: string } } } };
    const c = card?.tracksideChart;
    if (!c) return undefined;
    return {
      datasets: c.data.datasets.map((d) => ({ kind: d.lineMeta.kind, color: d.borderColor, xs: d.data.map((q) => q.x), ys: d.data.map((q) => q.y) })),
      xMin: c.scales.x.min,
      xMax: c.scales.x.max,
      yType: c.scales.y.type,
      painted: Number(card.dataset.painted),
    };
  }, key);
}

const painted = (p: Page, key: string, atLeast = 1) =>
  p.page.waitForFunction(([k, n]) => Number((document.querySelector(`.chart-card[data-key="${k}"]`) as HTMLElement | null)?.dataset.painted ?? 0) >= Number(n), [key, atLeast] as const);

test('says ready before anything, then draws one chart per key from buckets at the chart width, grouped by prefix', async () => {
  const p = await openRun();
  try {
    assert.equal(p.received[0]?.type, 'ready');
    const req = await p.waitForMessage('requestSeries');
    assert.deepEqual(req.requests.map((r) => r.key).sort(), ['lr', 'sys/cpu', 'train/acc', 'train/loss', 'val/acc', 'val/loss']);
    // Sized to the chart as laid out when asked (pixels, not the 20,000 points logged); the
    // layout may settle narrower afterwards, so the bound is the page, which no chart exceeds.
    const width = await p.page.evaluate(() => document.documentElement.clientWidth);
    for (const r of req.requests) assert.ok(r.buckets > 100 && r.buckets <= width, `buckets ${r.buckets} for a ${width}px page`);
    await painted(p, 'train/loss');
    const d = (await chartData(p, 'train/loss'))!;
    const raw = d.datasets.find((x) => x.kind === 'raw')!;
    assert.ok(raw.xs.length <= 4 * req.requests[0].buckets, `${raw.xs.length} points drawn for 20,000 logged`);
    assert.equal(raw.xs[0], 0);
    assert.equal(raw.xs[raw.xs.length - 1], 19_999);
    const groups = await p.page.$$eval('details.chart-group', (els) => els.map((e) => (e as HTMLElement).dataset.group));
    assert.deepEqual(groups, ['', 'train', 'val', 'sys']);
    assert.equal(await p.page.locator('h1.run-name').textContent(), 'resnet-baseline');
    assert.match((await p.page.locator('.run-facts').textContent()) ?? '', /git a1b2c3d4.*python 3\.11\.2/);
    assert.deepEqual(p.cspViolations, []);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('live: appended points extend the chart; a burst of appends is drawn in few redraws', async () => {
  const p = await openRun();
  try {
    await painted(p, 'val/loss');
    const before = (await chartData(p, 'val/loss'))!;
    const paints = before.painted;
    // 20 messages in one go, as a busy host would send them.
    const appends: RunToWebview[] = Array.from({ length: 20 }, (_, i) => ({
      type: 'append',
      points: [{ runId: RUN, key: 'val/loss', steps: Float64Array.of(20_000 + i), values: Float64Array.of(5), t: Float64Array.of(Date.UTC(2024, 0, 1) + 2e6 + i), epochs: Float64Array.of(10) }],
    }));
    for (const a of appends) await p.post(a);
    await p.page.waitForFunction(() => {
      const c = (document.querySelector('.chart-card[data-key="val/loss"]') as HTMLElement & { tracksideChart?: { data: { datasets: { data: { x: number }[] }[] } } }).tracksideChart;
      const raw = c?.data.datasets[0].data;
      return raw && raw[raw.length - 1].x === 20_019;
    });
    const after = (await chartData(p, 'val/loss'))!;
    const raw = after.datasets.find((x) => x.kind === 'raw')!;
    assert.equal(raw.ys[raw.ys.length - 1], 5);
    assert.ok(after.painted - paints < appends.length, `${after.painted - paints} redraws for ${appends.length} appends`);
  } finally {
    await p.close();
  }
});

test('hovering a chart shows the values under the pointer', async () => {
  const p = await openRun();
  try {
    await painted(p, 'train/loss');
    const box = (await p.page.locator('.chart-card[data-key="train/loss"] canvas').boundingBox())!;
    await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = await p.page.waitForFunction(() => {
      const c = (document.querySelector('.chart-card[data-key="train/loss"]') as HTMLElement & { tracksideChart?: { tooltip: { getActiveElements(): unknown[]; title?: string[]; body?: { lines: string[] }[] } } }).tracksideChart;
      const t = c?.tooltip;
      return t && t.getActiveElements().length > 0 && t.title?.length ? { title: t.title[0], lines: t.body?.map((b) => b.lines.join(' ')) } : undefined;
    });
    const { title, lines } = (await hover.jsonValue())!;
    assert.match(title, /^Step [\d,]+$/);
    assert.match(lines![0], /\d.*….*\(\d+ points\)|^\d/);
  } finally {
    await p.close();
  }
});

test('dragging across a chart asks for that step range at the chart width; double-click resets', async () => {
  const p = await openRun();
  try {
    await painted(p, 'train/loss');
    const canvas = p.page.locator('.chart-card[data-key="train/loss"] canvas');
    const box = (await canvas.boundingBox())!;
    const from = p.received.length;
    await p.page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await p.page.mouse.down();
    await p.page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await p.page.mouse.up();
    const req = await p.waitForMessage('requestSeries', (m) => m.requests.some((r) => r.xMin !== undefined), { from });
    const r = req.requests[0];
    assert.equal(r.key, 'train/loss');
    assert.ok(r.xMin! > 4000 && r.xMax! < 16_000 && r.xMin! < r.xMax!, `zoom ${r.xMin}..${r.xMax}`);
    await p.page.waitForFunction(() => (document.querySelector('.chart-card[data-key="train/loss"] .chart-reset') as HTMLElement).hidden === false);
    // The refined series arrives and replaces the view: finer than the whole one over that range.
    await p.page.waitForFunction(
      ([lo]) => {
        const c = (document.querySelector('.chart-card[data-key="train/loss"]') as HTMLElement & { tracksideChart?: { data: { datasets: { data: { x: number }[] }[] } } }).tracksideChart;
        const d = c?.data.datasets[0].data;
        return d && d[0].x >= Number(lo);
      },
      [r.xMin] as const,
    );
    const zoomed = (await chartData(p, 'train/loss'))!;
    assert.ok(zoomed.xMin >= r.xMin! - 1 && zoomed.xMax <= r.xMax! + 1);
    assert.deepEqual((p.state as RunPanelState).zoom?.['train/loss'], { xMin: r.xMin, xMax: r.xMax });
    await canvas.dblclick();
    await p.page.waitForFunction(() => (document.querySelector('.chart-card[data-key="train/loss"] .chart-reset') as HTMLElement).hidden);
    const whole = (await chartData(p, 'train/loss'))!;
    assert.equal(whole.datasets[0].xs[0], 0);
    assert.equal((p.state as RunPanelState).zoom?.['train/loss'], undefined);
  } finally {
    await p.close();
  }
});

test('smoothing draws the debiased EMA over the buckets as TensorBoard does; log scale; the x axis switches without asking', async () => {
  const p = await openRun();
  try {
    await painted(p, 'lr');
    const requests = p.received.filter((m) => m.type === 'requestSeries').length;
    await p.page.locator('input.smoothing').fill('0.9');
    await p.page.waitForFunction(() => {
      const c = (document.querySelector('.chart-card[data-key="lr"]') as HTMLElement & { tracksideChart?: { data: { datasets: { data: unknown[] }[] } } }).tracksideChart;
      return (c?.data.datasets[1]?.data.length ?? 0) > 0;
    });
    const d = (await chartData(p, 'lr'))!;
    const series = await p.page.evaluate(() => {
      const c = (document.querySelector('.chart-card[data-key="lr"]') as HTMLElement & { tracksideChart?: { data: { datasets: { lineMeta: { line: { data: { length: number; col(c: string): Float64Array } } } }[] } } }).tracksideChart!;
      const s = c.data.datasets[1].lineMeta.line.data;
      // (no inner named helpers: the test runner's transform would wrap them in __name)
      return ['last', 'min', 'max', 'counts'].map((name) => [...s.col(name).subarray(0, s.length)]);
    });
    // Each bucket's value: its point, or the middle of its min..max.
    const [last, min, max, counts] = series;
    const values = last.map((v, i) => (counts[i] <= 1 ? v : (min[i] + max[i]) / 2));
    const expected = emaDebiased(values, 0.9);
    const smooth = d.datasets.find((x) => x.kind === 'smooth')!;
    assert.equal(smooth.ys.length, expected.length);
    for (let i = 0; i < expected.length; i += 97) assert.ok(Math.abs(smooth.ys[i] - expected[i]) < 1e-9);
    assert.equal((p.state as RunPanelState).controls?.smoothing, 0.9);

    await p.page.locator('vscode-checkbox.log-scale').click();
    await p.page.waitForFunction(() => (document.querySelector('.chart-card[data-key="lr"]') as HTMLElement & { tracksideChart?: { scales: { y: { type: string } } } }).tracksideChart?.scales.y.type === 'logarithmic');

    await p.page.locator('vscode-single-select.x-axis').click();
    await p.page.locator('vscode-single-select.x-axis').getByRole('option', { name: 'Epoch', exact: true }).click();
    await p.page.waitForFunction(() => {
      const c = (document.querySelector('.chart-card[data-key="lr"]') as HTMLElement & { tracksideChart?: { data: { datasets: { data: { x: number }[] }[] } } }).tracksideChart;
      const xs = c?.data.datasets[0].data.map((q) => q.x) ?? [];
      return xs.length > 0 && xs[xs.length - 1] <= 10;
    });
    assert.equal((p.state as RunPanelState).controls?.xAxis, 'epoch');
    assert.equal(p.received.filter((m) => m.type === 'requestSeries').length, requests, 'the buckets already carry epochs and times');
  } finally {
    await p.close();
  }
});

test('tags, note, artifacts, datasets, code and output: edits and actions go to the host', async () => {
  const p = await openRun();
  try {
    await p.page.locator('.run-tags .tag').first().waitFor();
    const field = p.page.locator('vscode-textfield.tag-input input');
    await field.fill('promising');
    await field.press('Enter');
    assert.deepEqual(await p.waitForMessage('editTags'), { type: 'editTags', add: ['promising'], remove: [] });
    await p.page.getByRole('button', { name: 'Remove tag baseline' }).click();
    await p.waitForMessage('editTags', (m) => m.remove[0] === 'baseline');

    await p.page.locator('.run-note vscode-button').click();
    await p.page.locator('vscode-textarea.note-editor textarea').fill('second thoughts');
    await p.page.locator('.note-actions vscode-button').first().click();
    assert.deepEqual(await p.waitForMessage('editNote'), { type: 'editNote', text: 'second thoughts' });

    await p.page.locator('vscode-tab-header[data-tab="artifacts"]').click();
    await p.page.locator('vscode-button[data-action="saveAs"]').first().click();
    const art = await p.waitForMessage('artifact');
    assert.equal(art.action, 'saveAs');
    assert.match(art.hash, /^[0-9a-f]{64}$/);

    await p.page.locator('vscode-tab-header[data-tab="datasets"]').click();
    assert.match((await p.page.locator('.dataset h2').textContent()) ?? '', /cifar10-train/);
    await p.page.locator('.same-data a', { hasText: 'earlier-run' }).click();
    assert.deepEqual(await p.waitForMessage('openRun'), { type: 'openRun', runId: '20240101-090000-d0d0d0' });

    await p.page.locator('vscode-tab-header[data-tab="code"]').click();
    await p.page.locator('vscode-button[data-action="diff"]').click();
    assert.deepEqual(await p.waitForMessage('code'), { type: 'code', action: 'diff', path: 'train.py' });

    await p.post({ type: 'output', text: 'epoch 1 loss 0.9\nepoch 2 loss 0.5\nwarning: slow\n', reset: true, truncated: false, exists: true });
    await p.post({ type: 'output', text: 'epoch 3 loss 0.3\n', reset: false, truncated: false, exists: true });
    await p.page.locator('vscode-tab-header[data-tab="output"]').click();
    await p.page.locator('vscode-textfield.output-search input').fill('EPOCH');
    await p.page.waitForFunction(() => document.querySelectorAll('.output-log mark').length === 3);
    assert.equal(await p.page.locator('.output-log').textContent(), 'epoch 1 loss 0.9\nepoch 2 loss 0.5\nepoch 3 loss 0.3\n');
    assert.equal((p.state as RunPanelState).outputQuery, 'EPOCH');
    assert.equal((p.state as RunPanelState).tab, 'output');
  } finally {
    await p.close();
  }
});

test('a run edited elsewhere (a team run) shows its tags and note without edit controls, and says where they are edited', async () => {
  const p = await openRun();
  try {
    await p.page.locator('.run-tags vscode-textfield.tag-input').waitFor();
    const run = methodsOn(ws.store).runView(RUN, h.blobBase)!;
    await p.post({ type: 'run', run: { ...run, editedElsewhere: 'A team run, pushed by alice from gpu1: edited there.' } });
    await p.page.locator('.run-edited-elsewhere', { hasText: 'pushed by alice from gpu1' }).waitFor();
    assert.equal(await p.page.locator('.run-tags .tag-text').first().textContent(), 'baseline');
    assert.equal(await p.page.locator('.run-tags vscode-textfield, .run-tags .tag-remove').count(), 0);
    assert.equal(await p.page.locator('.note-text').textContent(), 'first try');
    assert.equal(await p.page.locator('.run-note vscode-button').count(), 0);
    // The same run back as editable gets its controls again.
    await p.post({ type: 'run', run });
    await p.page.locator('.run-tags vscode-textfield.tag-input').waitFor();
    assert.equal(await p.page.locator('.run-edited-elsewhere').isHidden(), true);
  } finally {
    await p.close();
  }
});

test('NaN and infinite values are shown as such, not dropped', async () => {
  const p = await h.open<RunToWebview, RunFromWebview>('run', { state: { runId: '20240101-080000-f0f0f0', tab: 'overview' } });
  serveRun(h, p, ws, '20240101-080000-f0f0f0');
  try {
    await p.page.locator('.summaries').waitFor();
    const row = async (key: string) => p.page.locator('.summaries tbody tr').filter({ has: p.page.locator('th', { hasText: new RegExp(`^${key}$`) }) }).locator('td').allTextContents();
    assert.deepEqual((await row('loss')).slice(0, 3), ['NaN', '0.25', '1']);
    assert.deepEqual((await row('loss'))[4], '5 (1 NaN)');
    assert.deepEqual((await row('grad_norm')).slice(0, 3), ['+Inf', '0', '+Inf']);
    await p.page.locator('vscode-tab-header[data-tab="metrics"]').click();
    await p.page.locator('.chart-card[data-key="loss"] .chart-note', { hasText: '1 NaN' }).waitFor();
  } finally {
    await p.close();
  }
});

test('images: a slider per key walks the logged steps', async () => {
  const p = await openRun();
  try {
    await p.page.locator('vscode-tab-header[data-tab="images"]').click();
    const card = p.page.locator('.image-card[data-key="samples"]');
    await card.locator('img').waitFor();
    assert.match((await card.locator('.image-step').textContent()) ?? '', /step 10000 \(3\/3\)/);
    const src = await card.locator('img').getAttribute('src');
    await card.locator('input.image-slider').fill('0');
    await p.page.waitForFunction(() => /step 0 /.test(document.querySelector('.image-card .image-step')?.textContent ?? ''));
    assert.notEqual(await card.locator('img').getAttribute('src'), src);
    await p.page.waitForFunction(() => (document.querySelector('.image-card img') as HTMLImageElement).naturalWidth === 32);
    assert.deepEqual((p.state as RunPanelState).imageSteps, { samples: 0 });
  } finally {
    await p.close();
  }
});

test('a theme change recolors the charts from the theme variables', async () => {
  const p = await openRun();
  try {
    await painted(p, 'train/loss');
    const dark = (await chartData(p, 'train/loss'))!.datasets[0].color;
    await p.setTheme('light');
    await p.page.waitForFunction((c) => {
      const chart = (document.querySelector('.chart-card[data-key="train/loss"]') as HTMLElement & { tracksideChart?: { data: { datasets: { borderColor: string }[] } } }).tracksideChart;
      return chart && chart.data.datasets[0].borderColor !== c;
    }, dark);
    const light = (await chartData(p, 'train/loss'))!.datasets[0].color;
    const vars = await p.page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue').trim());
    assert.equal(light, vars);
  } finally {
    await p.close();
  }
});

test('a restored panel comes back with its tab, controls and zoom', async () => {
  const p = await openRun({ runId: RUN, tab: 'metrics', controls: { xAxis: 'step', smoothing: 0.5, logScale: false }, zoom: { 'val/acc': { xMin: 100, xMax: 300 } } });
  try {
    const req = await p.waitForMessage('requestSeries', (m) => m.requests.some((r) => r.key === 'val/acc' && r.xMin === 100));
    assert.equal(req.requests[0].xMax, 300);
    await p.page.waitForFunction(() => {
      const c = (document.querySelector('.chart-card[data-key="val/acc"]') as HTMLElement & { tracksideChart?: { scales: { x: { min: number; max: number } } } }).tracksideChart;
      return c && c.scales.x.min >= 100 && c.scales.x.max <= 300;
    });
    assert.equal(await p.page.locator('input.smoothing').inputValue(), '0.5');
  } finally {
    await p.close();
  }
});
