// What the panels' host side reads from a real index: series sized to the chart with times
// and epochs at bucket edges, live updates (append or resend), table columns, run views,
// the output tail, the HTML shell's CSP and the paths names from events may write to.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { points } from '../../src/core/metricQueries';
import { LiveCursors } from '../../src/host/panels/liveCursors';
import { OUTPUT_TAIL_BYTES, OutputTail } from '../../src/core/outputTail';
import { contentSecurityPolicy, panelHtml } from '../../src/host/panels/panelHtml';
import { inside } from '../../src/core/safePaths';
import { restoreFile } from '../../src/core/restoreFile';
import { commandText, runView } from '../../src/views/runView';
import { seriesData } from '../../src/views/seriesData';
import { tableRows } from '../../src/views/tableRows';
import { liveUpdate } from '../../src/views/liveSeries';
import { workspace } from '../webview/fakeHosts';
import { appendEvents, runFolder } from '../webview/runFixtures';

const RUN = '20240101-000000-aaaaaa';

test('a series is at most the buckets asked for, with times and epochs at each bucket edge', (t) => {
  const ws = workspace([{ id: RUN, keys: ['loss'], steps: 20_000, epochEvery: 1000, stepMs: 10, start: 1_000_000 }]);
  t.after(() => ws.dispose());
  const d = seriesData(ws.store, { runId: RUN, key: 'loss', buckets: 500 });
  assert.ok(d.steps.length <= 500 && d.steps.length > 100, `${d.steps.length} buckets`);
  assert.equal(d.points, 20_000);
  assert.equal(d.exact, false);
  assert.equal(d.range, undefined);
  const raw = points(ws.store, RUN, 'loss');
  for (const i of [0, 7, d.steps.length - 1]) {
    assert.equal(d.t[i], raw.t[d.steps[i]]);
    assert.equal(d.lastT[i], raw.t[d.lastSteps[i]]);
    assert.equal(d.epochs[i], Math.floor(d.steps[i] / 1000));
    assert.equal(d.lastEpochs[i], Math.floor(d.lastSteps[i] / 1000));
    let lo = Infinity;
    let hi = -Infinity;
    for (let s = d.steps[i]; s <= d.lastSteps[i]; s++) {
      lo = Math.min(lo, raw.values[s]);
      hi = Math.max(hi, raw.values[s]);
    }
    assert.equal(d.min[i], lo);
    assert.equal(d.max[i], hi);
  }
  // Zoomed: only that range, finer.
  const z = seriesData(ws.store, { runId: RUN, key: 'loss', buckets: 500, xMin: 1000, xMax: 1300 });
  assert.deepEqual(z.range, { xMin: 1000, xMax: 1300 });
  assert.equal(z.exact, true);
  assert.equal(z.steps[0], 1000);
  assert.equal(z.steps[z.steps.length - 1], 1300);
  assert.equal(z.t[0], raw.t[1000]);
});

test('live: a few new points are appended, many make a fresh series', (t) => {
  const ws = workspace([{ id: RUN, keys: ['loss', 'acc'], steps: 100, status: 'running' }]);
  t.after(() => ws.dispose());
  const cursors = new LiveCursors();
  for (const key of ['loss', 'acc']) cursors.record(seriesData(ws.store, { runId: RUN, key, buckets: 400 }), 400);
  const live = {
    update: (store: typeof ws.store, runId: string) => {
      const u = liveUpdate(store, runId, cursors.of(runId));
      cursors.advance(runId, u);
      return { append: u.append, series: u.series };
    },
  };
  assert.deepEqual(live.update(ws.store, RUN), { append: [], series: [] });
  appendEvents(ws.root, RUN, [100, 101, 102].map((step) => ({ t: 5000 + step, type: 'metrics', step, values: { loss: step / 1000 } })));
  ws.ingest();
  const u = live.update(ws.store, RUN);
  assert.equal(u.series.length, 0);
  assert.equal(u.append.length, 1);
  assert.deepEqual([...u.append[0].steps], [100, 101, 102]);
  assert.deepEqual([...u.append[0].values], [0.1, 0.101, 0.102]);
  assert.deepEqual(live.update(ws.store, RUN), { append: [], series: [] }, 'sent once');
  // Further values at the last step are new points too.
  appendEvents(ws.root, RUN, [{ t: 5200, type: 'metrics', step: 102, values: { loss: 0.5 } }]);
  ws.ingest();
  const repeat = live.update(ws.store, RUN);
  assert.deepEqual([...repeat.append[0].steps], [102]);
  assert.deepEqual([...repeat.append[0].values], [0.5]);
  assert.deepEqual(live.update(ws.store, RUN), { append: [], series: [] }, 'the repeat sent once');
  appendEvents(ws.root, RUN, Array.from({ length: 5000 }, (_, i) => ({ t: 9000 + i, type: 'metrics', step: 103 + i, values: { loss: 1 } })));
  ws.ingest();
  const many = live.update(ws.store, RUN);
  assert.equal(many.append.length, 0);
  assert.equal(many.series.length, 1);
  assert.ok(many.series[0].steps.length <= 400);
  assert.equal(many.series[0].lastSteps[many.series[0].lastSteps.length - 1], 5102);
});

test('table rows: one row per live run, params numeric or text, metric summaries with presence', (t) => {
  const ws = workspace([
    { id: '20240101-000001-aaaaaa', name: 'one', params: { lr: 0.1, opt: 'sgd', flag: true }, keys: ['val/loss'], steps: 10, tags: ['b', 'a'], status: 'finished', start: 1000 },
    { id: '20240101-000002-bbbbbb', params: { lr: 0.01, opt: 'adam' }, keys: ['acc'], steps: 5, status: 'failed', start: 2000 },
  ]);
  t.after(() => ws.dispose());
  const d = tableRows(ws.store);
  assert.deepEqual(d.ids, ['20240101-000002-bbbbbb', '20240101-000001-aaaaaa'], 'newest first');
  assert.deepEqual(d.names, ['20240101-000002-bbbbbb', 'one'], 'unnamed runs show their id');
  assert.deepEqual(d.status, ['failed', 'finished']);
  assert.deepEqual(d.tags, [[], ['a', 'b']]);
  const lr = d.params.find((p) => p.key === 'lr')!;
  assert.equal(lr.kind, 'number');
  assert.deepEqual([...(lr.values as Float64Array)], [0.01, 0.1]);
  const flag = d.params.find((p) => p.key === 'flag')!;
  assert.equal(flag.kind, 'text');
  assert.deepEqual(flag.values, [null, 'true']);
  const loss = d.metrics.find((m) => m.key === 'val/loss')!;
  assert.deepEqual([...loss.has], [0, 1]);
  assert.ok(Number.isFinite(loss.last[1]));
  const newest = tableRows(ws.store, undefined, 1);
  assert.deepEqual(newest.ids, ['20240101-000002-bbbbbb']);
  assert.deepEqual(newest.params.map((p) => p.key), ['lr', 'opt'], 'only the params of the runs read');
  const one = tableRows(ws.store, ['20240101-000001-aaaaaa']);
  assert.deepEqual(one.ids, ['20240101-000001-aaaaaa']);
  assert.equal(one.params.find((p) => p.key === 'opt')!.values[0], 'sgd');
});

test('table params keep every value as logged: full-precision numbers, a number JSON cannot spell, text, JSON, None', (t) => {
  const id = '20240101-000001-aaaaaa';
  const ws = workspace([
    { id, params: { lr: 0.1 + 0.2, opt: 'a "quoted", odd\nname', none: null }, status: 'finished' },
    { id: '20240101-000002-bbbbbb', params: { lr: 3, none: 1 }, status: 'finished', start: Date.UTC(2024, 0, 2) },
  ]);
  t.after(() => ws.dispose());
  // JSON numbers too large for a double read as Infinity; the index stores them beside "null".
  appendFileSync(join(runFolder(ws.root, id), 'events.jsonl'), '{"t":1,"type":"params","values":{"big":1e400,"nested":{"layers":[64,32],"act":"relu"},"__proto__":7}}\n');
  ws.ingest();
  const d = tableRows(ws.store);
  const col = (key: string) => d.params.find((p) => p.key === key)!;
  assert.deepEqual([col('lr').kind, ...col('lr').values], ['number', 3, 0.30000000000000004]);
  assert.deepEqual([col('big').kind, ...col('big').values], ['number', Number.NaN, Infinity]);
  assert.deepEqual(col('opt').values, [null, 'a "quoted", odd\nname']);
  assert.deepEqual(col('nested').values, [null, '{"layers":[64,32],"act":"relu"}']);
  assert.deepEqual([col('__proto__').kind, ...col('__proto__').values], ['number', Number.NaN, 7]);
  assert.deepEqual([col('none').kind, ...col('none').values], ['text', '1', null], 'a None makes the column text');
});

test('a param whose stored text is not JSON shows as that text; the run\'s other params are kept', (t) => {
  const id = '20240101-000001-aaaaaa';
  const ws = workspace([{ id, params: { lr: 0.5, opt: 'adam' }, status: 'finished' }]);
  t.after(() => ws.dispose());
  ws.store.engine.prepare("INSERT INTO params (rid, key, value, num) SELECT rid, 'odd', 'not json {', NULL FROM runs WHERE id = ?").run(id);
  const d = tableRows(ws.store);
  const col = (key: string) => d.params.find((p) => p.key === key)!;
  assert.deepEqual([...col('lr').values], [0.5]);
  assert.deepEqual(col('opt').values, ['adam']);
  assert.deepEqual(col('odd').values, ['not json {']);
});

test('a run view carries everything the Run panel shows; datasets know which runs share them', (t) => {
  const data = [{ name: 'train', path: 'data/train.csv', files: [{ path: 'train.csv', content: 'a,b\n1,2\n' }] }];
  const ws = workspace([
    { id: RUN, name: 'main', keys: ['loss'], steps: 3, datasets: data, images: [{ key: 'img', steps: [0, 2] }], artifacts: [{ name: 'model.pkl', content: 'w' }], code: [{ path: 'train.py', content: 'x' }], command: ['python', 'train.py', '--name', 'a b'] },
    { id: '20240101-000000-bbbbbb', name: 'twin', datasets: data, start: Date.UTC(2024, 0, 2) },
  ]);
  t.after(() => ws.dispose());
  const v = runView(ws.store, RUN, 'blob:')!;
  assert.equal(v.name, 'main');
  assert.equal(v.command, "python train.py --name 'a b'");
  assert.deepEqual(v.datasets[0].sameAs, [{ id: '20240101-000000-bbbbbb', name: 'twin' }]);
  assert.deepEqual(v.images.map((i) => [i.key, i.step, i.src.startsWith('blob:')]), [['img', 0, true], ['img', 2, true]]);
  assert.equal(v.artifacts[0].name, 'model.pkl');
  assert.equal(v.code[0].path, 'train.py');
  assert.equal(v.metrics[0].key, 'loss');
  assert.equal(runView(ws.store, 'nope', ''), undefined);
  assert.equal(commandText("python -c 'x'"), "python -c 'x'");
});

test('output tail: the last bytes first, then only what is new; a rewritten log starts over', (t) => {
  const ws = workspace([{ id: RUN }]);
  t.after(() => ws.dispose());
  const tail = new OutputTail(ws.root, RUN);
  assert.deepEqual(tail.read(), { text: '', reset: true, truncated: false, exists: false });
  assert.equal(tail.read(), undefined);
  const log = join(runFolder(ws.root, RUN), 'files', 'output.log');
  const line = 'x'.repeat(99) + '\n';
  writeFileSync(log, 'first line\n' + line.repeat((OUTPUT_TAIL_BYTES / 100) * 2));
  const first = tail.read()!;
  assert.equal(first.reset, true);
  assert.equal(first.truncated, true);
  assert.ok(first.text.startsWith('x') && first.text.length <= OUTPUT_TAIL_BYTES, 'tail from a whole line');
  assert.equal(tail.read(), undefined);
  appendFileSync(log, 'épilogue\n');
  assert.deepEqual(tail.read(), { text: 'épilogue\n', reset: false, truncated: false, exists: true });
  truncateSync(log, 0);
  writeFileSync(log, 'again\n');
  assert.deepEqual(tail.read(), { text: 'again\n', reset: true, truncated: false, exists: true });
});

test('the HTML shell: CSP default none, scripts only by nonce, no unsafe-inline, one script', () => {
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'N1');
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, /script-src 'nonce-N1'(;|$)/);
  assert.match(csp, /style-src https:\/\/x\.vscode-cdn\.net(;|$)/, 'styles only from stylesheet files');
  assert.doesNotMatch(csp, /unsafe/);
  const html = panelHtml({ title: 'T', cspSource: 'https://x', scriptUri: 'https://x/run.js', styleUris: ['https://x/a.css'] });
  const nonces = [...html.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(nonces.length, 1);
  assert.ok(nonces[0].length >= 20);
  assert.notEqual(panelHtml({ title: 'T', cspSource: 'x', scriptUri: 'y', styleUris: [] }).match(/nonce="([^"]+)"/)![1], nonces[0], 'fresh nonce each time');
  assert.doesNotMatch(html, /\son\w+=/i, 'no inline handlers');
});

test('Restore File keeps the replaced file as a backup artifact of the run, then writes the stored version', async (t) => {
  const ws = workspace([{ id: RUN, code: [{ path: 'src/train.py', content: 'print("stored")\n' }] }]);
  t.after(() => ws.dispose());
  const work = mkdtempSync(join(tmpdir(), 'trackside-restore-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const file = runView(ws.store, RUN, '')!.code[0];
  const target = inside(work, file.path)!;
  mkdirSync(join(work, 'src'));
  writeFileSync(target, 'print("edited since")\n');
  const { backup } = await restoreFile(ws.root, RUN, file.path, file.hash, target);
  assert.equal(readFileSync(target, 'utf8'), 'print("stored")\n');
  ws.ingest();
  const art = runView(ws.store, RUN, '')!.artifacts.find((a) => a.kind === 'backup')!;
  assert.equal(art.name, 'before-restore/src/train.py');
  assert.equal(art.hash, backup);
  assert.equal(readFileSync(join(ws.root, 'blobs', 'sha256', backup!.slice(0, 2), backup!.slice(2)), 'utf8'), 'print("edited since")\n');
  // Nothing to keep when the file is gone: just written.
  rmSync(target);
  assert.deepEqual(await restoreFile(ws.root, RUN, file.path, file.hash, target), { backup: undefined });
  assert.equal(readFileSync(target, 'utf8'), 'print("stored")\n');
});
