// The gate's pieces without a registry: how one metric is judged, the Markdown report's
// content (verdict first, text from runs never markup), the chart, the command template and
// the workspace settings it reads.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { expandCommand, shellQuote } from '../../src/core/gate/gateEvaluate';
import { compareMetric, degradationMetric, parseMetricSpec } from '../../src/core/gate/gateMetric';
import { gateMarkdown } from '../../src/core/gate/gateReport';
import type { GateResult } from '../../src/core/gate/gateTypes';
import { emptyResult } from '../../src/core/gate/runGate';
import { stripJsonComments } from '../../src/core/gate/workspaceSettings';

test('metric specs: direction from the name unless :max or :min says otherwise', () => {
  assert.deepEqual(parseMetricSpec('val/auc'), { key: 'val/auc' });
  assert.deepEqual(parseMetricSpec('val/loss:max'), { key: 'val/loss', direction: 'higher' });
  assert.deepEqual(parseMetricSpec('calibration:min'), { key: 'calibration', direction: 'lower' });
  assert.deepEqual(parseMetricSpec('a:b'), { key: 'a:b' });
  assert.equal(parseMetricSpec(':max'), undefined);
  assert.equal(compareMetric({ key: 'val/loss' }, 0.4, 0.5, 0).direction, 'lower');
  assert.equal(compareMetric({ key: 'val/loss', direction: 'higher' }, 0.4, 0.5, 0).pass, true);
});

test('compare: a tie passes at 0, --min-delta asks for more, a negative one tolerates a drop, NaN fails', () => {
  assert.equal(compareMetric({ key: 'auc' }, 0.8, 0.8, 0).pass, true);
  assert.equal(compareMetric({ key: 'auc' }, 0.3, 0.1 + 0.2, 0).pass, true, 'rounding is not a drop');
  assert.equal(compareMetric({ key: 'auc' }, 0.8, 0.805, 0.01).pass, false);
  assert.equal(compareMetric({ key: 'auc' }, 0.8, 0.81, 0.01).pass, true);
  assert.equal(compareMetric({ key: 'auc' }, 0.8, 0.795, -0.01).pass, true);
  assert.equal(compareMetric({ key: 'loss' }, 0.4, 0.39, 0.01).pass, true);
  assert.equal(compareMetric({ key: 'loss' }, 0.4, 0.395, 0.01).pass, false);
  const nan = compareMetric({ key: 'auc' }, 0.8, Number.NaN, 0);
  assert.deepEqual([nan.pass, nan.reason], [false, 'auc of the candidate is NaN, not a number to compare (baseline 0.8)']);
  assert.equal(compareMetric({ key: 'loss' }, 0.4, Number.NEGATIVE_INFINITY, 0).pass, false);
  const fell = compareMetric({ key: 'auc' }, 0.8194, 0.8042, 0.001);
  assert.equal(fell.reason, 'auc fell: -0.0152 (0.8194 → 0.8042; higher is better, at least +0.001 asked)');
});

test('degradation: the Model panel rule, exactly the tolerance is not a degradation', () => {
  const settings = { tolerance: 0.05 };
  assert.equal(degradationMetric({ key: 'acc' }, 0.8, 0.76, settings).pass, true);
  assert.equal(degradationMetric({ key: 'acc' }, 0.8, 0.759, settings).pass, false);
  assert.equal(degradationMetric({ key: 'acc', direction: 'lower' }, 0.8, 0.9, settings).pass, false);
  assert.equal(degradationMetric({ key: 'acc' }, 0.8, 0.7, { tolerance: 0.05, overrides: { acc: { tolerance: 0.2 } } }).pass, true);
  assert.equal(degradationMetric({ key: 'acc' }, 0.8, Number.NaN, settings).pass, false);
});

function hostile(): GateResult {
  const r = emptyResult({ model: 'churn', mode: 'compare', maxPsi: 0.2 }, Date.UTC(2026, 10, 30, 12, 0));
  const side = (version: number, aliases: string[]) => ({ ref: `@${version}`, version, aliases, trainingRun: null, trainingDatasets: [{ name: 'train', hash: 'a'.repeat(64) }], evaluation: null });
  Object.assign(r, {
    verdict: 'fail',
    exitCode: 1,
    candidate: side(3, ['latest']),
    baseline: side(1, ['production']),
    dataset: { hash: 'b'.repeat(64), name: 'holdout', path: 'data/test.csv' },
    reasons: ['<img src=x onerror=alert(1)> fell: -0.1 (0.9 → 0.8; higher is better)'],
    metrics: [{ key: '<img src=x onerror=alert(1)>', direction: 'higher', baseline: 0.9, candidate: 0.8, delta: -0.1, threshold: 0, change: null, pass: false, reason: '' }],
    params: [{ key: '[docs](http://evil.example)', baseline: 'a|b', candidate: null }],
    drift: { maxPsi: 0.2, columns: [{ dataset: 'holdout', reference: 'train', column: 'plan|tier', kind: 'text', psi: 0.31, level: 'major', pass: false }] },
    history: [
      { label: 'v1', version: 1, runId: 'r1', started: null, values: { '<img src=x onerror=alert(1)>': 0.9 }, role: 'baseline' },
      { label: 'v2 "x"', version: 2, runId: 'r2', started: null, values: { '<img src=x onerror=alert(1)>': 0.85 }, role: null },
      { label: 'v3', version: 3, runId: 'r3', started: null, values: { '<img src=x onerror=alert(1)>': 0.8 }, role: 'candidate' },
    ],
    commit: '0123456789abcdef0123',
    url: 'https://github.com/acme/churn/actions/runs/7',
  });
  return r;
}

test('report: verdict first, tables of metrics, drift, params and data; text from runs stays text', () => {
  const md = gateMarkdown(hostile(), 'production');
  const lines = md.split('\n');
  assert.equal(lines[0], '## ✗ Trackside gate failed: churn v3 (latest) is worse than v1 (production)');
  assert.ok(!md.includes('<img'), 'no HTML from data');
  assert.ok(!/[^\\]\]\(http:\/\/evil/.test(md), 'no link from data');
  assert.ok(md.includes('- &lt;img src=x onerror=alert(1)&gt; fell: -0.1'));
  assert.ok(md.includes('| &lt;img src=x onerror=alert(1)&gt; | higher | 0.9 | 0.8 | -0.1 | ✗ fail |'));
  assert.ok(md.includes('| plan\\|tier | 0.310 | major | train | ✗ > 0.2 |'), 'a | in a column name does not split the row');
  assert.ok(md.includes('| \\[docs\\](http://evil.example) | a\\|b | — |'));
  assert.ok(md.includes('**Not promoted:** churn@production stays where it is.'));
  assert.ok(md.includes(`| Evaluation (both sides) | holdout (data/test.csv) | \`${'b'.repeat(64)}\` |`));
  const chart = md.slice(md.indexOf('```mermaid'));
  assert.ok(chart.startsWith('```mermaid\nxychart-beta\n  title "‹img src=x onerror=alert(1)› over churn\'s versions on this data set"\n'), chart);
  assert.ok(chart.includes(`x-axis ["v1 baseline", "v2 'x'", "v3 candidate"]`));
  assert.ok(chart.includes('line [0.9, 0.85, 0.8]'));
  assert.ok(md.trimEnd().endsWith('<sub>Trackside gate (compare) · 2026-11-30 12:00 UTC · commit `0123456789ab` · [CI run](https://github.com/acme/churn/actions/runs/7)</sub>'));
});

test('report of missing data says so and lists every reason', () => {
  const r = emptyResult({ model: 'churn', mode: 'compare' }, 0);
  r.reasons = ['there is no model "churn"', 'second'];
  const md = gateMarkdown(r, 'production');
  assert.equal(md.split('\n')[0], '## ⚠ Trackside gate: missing data, no verdict for churn');
  assert.ok(md.includes('**Missing:**\n\n- there is no model "churn"\n- second\n'));
  assert.ok(!md.includes('promoted'));
});

test('--evaluate template: {ref} and {dataset} quoted for the shell', () => {
  assert.equal(expandCommand('python eval.py --model {ref} --data {dataset}', 'churn@3', 'data/test.csv'), 'python eval.py --model churn@3 --data data/test.csv');
  assert.equal(shellQuote("it's here.csv"), `'it'\\''s here.csv'`);
  assert.equal(expandCommand('x {dataset}', 'm@1', '$(rm -rf ~)'), "x '$(rm -rf ~)'");
  assert.throws(() => expandCommand('x {dataset}', 'm@1', undefined), /give --dataset/);
});

test('settings.json: comments and trailing commas go, strings stay', () => {
  const text = '{\n  // a comment\n  "a": "http://x/*y*/", /* block */\n  "b": [1, 2,],\n  "c": "x,}",\n}\n';
  assert.deepEqual(JSON.parse(stripJsonComments(text)), { a: 'http://x/*y*/', b: [1, 2], c: 'x,}' });
});
