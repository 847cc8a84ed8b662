// The gate's report in GitHub-flavoured Markdown, for a pull request comment, a job summary
// and the editor's Markdown preview: the verdict first, then the evidence. Marks are plain
// text symbols (✓ ✗ ⚠), not emoji, so they show without an emoji font too.
import { metricChart } from './gateChart';
import { formatDelta, formatPsi, formatTime, formatValue } from './gateFormat';
import { versionLabel } from './gateSides';
import type { GateResult, GateSide } from './gateTypes';
import { mdTable, mdText } from './markdownText';

const MAX_COLUMNS = 25;
const MAX_CHARTS = 4;

function headline(r: GateResult): string {
  const cand = r.candidate ? mdText(versionLabel(r.model, r.candidate)) : mdText(r.model);
  const base = r.baseline ? `v${r.baseline.version}${r.baseline.aliases.length ? ` (${mdText(r.baseline.aliases.join(', '))})` : ''}` : '';
  const data = r.dataset?.path ? ` on ${mdText(r.dataset.path)}` : '';
  if (r.verdict === 'missing') return `## ⚠ Trackside gate: missing data, no verdict for ${cand}`;
  if (r.mode === 'degradation') {
    return r.verdict === 'pass' ? `## ✓ Trackside gate passed: ${cand} holds up${data}` : `## ✗ Trackside gate failed: ${cand} degraded${data}`;
  }
  return r.verdict === 'pass' ? `## ✓ Trackside gate passed: ${cand} is at least as good as ${base}` : `## ✗ Trackside gate failed: ${cand} is worse than ${base}`;
}

function promotionLine(r: GateResult, promote: string | undefined): string[] {
  if (r.promotion) {
    const was = r.promotion.previous === null ? 'new alias' : `was v${r.promotion.previous}`;
    return [`**Promoted:** ${mdText(r.model)}@${mdText(r.promotion.alias)} → v${r.promotion.version} (${was}).`, ''];
  }
  if (promote) return [`**Not promoted:** ${mdText(r.model)}@${mdText(promote)} stays where it is.`, ''];
  return [];
}

function evaluationCell(s: GateSide | null): string {
  const e = s?.evaluation;
  return e ? `${mdText(e.name)}${e.ranByGate ? ' (run by the gate)' : ''}` : '—';
}

function metricsTable(r: GateResult): string[] {
  if (!r.metrics.length) return [];
  const result = (pass: boolean) => (pass ? '✓ pass' : '✗ fail');
  if (r.mode === 'degradation') {
    const head = ['Metric', 'Better', 'First evaluation', 'This evaluation', 'Change', 'Tolerance', 'Result'];
    const rows = r.metrics.map((m) => [
      mdText(m.key),
      m.direction,
      formatValue(m.baseline),
      formatValue(m.candidate),
      m.change === null ? '—' : `${+Math.abs(m.change * 100).toFixed(1)} % ${m.change > 0 ? 'worse' : 'better'}`,
      `${+(m.threshold * 100).toFixed(2)} %`,
      result(m.pass),
    ]);
    return ['### Metrics', '', ...mdTable(head, 'llrrrrl', rows), ''];
  }
  const head = ['Metric', 'Better', `Baseline v${r.baseline?.version}`, `Candidate v${r.candidate?.version}`, 'Delta', 'Result'];
  const rows = r.metrics.map((m) => [mdText(m.key), m.direction, formatValue(m.baseline), formatValue(m.candidate), formatDelta(m.delta), result(m.pass)]);
  const minDelta = r.metrics[0].threshold;
  return ['### Metrics', '', ...mdTable(head, 'llrrrl', rows), '', `A metric passes when the candidate is at least as good as the baseline${minDelta ? ` by ${formatValue(minDelta)}` : ' (a tie passes)'}.`, ''];
}

function dataSets(r: GateResult): string[] {
  const rows: string[][] = [];
  if (r.dataset) {
    const what = r.mode === 'compare' ? 'Evaluation (both sides)' : 'This evaluation';
    rows.push([what, mdText([r.dataset.name, r.dataset.path && `(${r.dataset.path})`].filter(Boolean).join(' ') || '—'), `\`${r.dataset.hash}\``]);
  }
  const training = (s: GateSide | null, role: string) => {
    for (const d of s?.trainingDatasets ?? []) rows.push([`Training of v${s!.version} (${role})`, mdText(d.name), `\`${d.hash}\``]);
  };
  training(r.candidate, r.mode === 'compare' ? 'candidate' : 'this version');
  if (r.mode === 'compare') training(r.baseline, 'baseline');
  if (!rows.length) return [];
  const runs = r.candidate?.evaluation
    ? [`Evaluation runs: ${r.mode === 'compare' ? 'candidate' : 'this'} ${evaluationCell(r.candidate)}, ${r.mode === 'compare' ? 'baseline' : 'first'} ${evaluationCell(r.baseline)}.`, '']
    : [];
  return ['### Data sets', '', ...mdTable(['', 'Data set', 'sha256'], 'lll', rows), '', ...runs];
}

function paramsTable(r: GateResult): string[] {
  if (r.mode !== 'compare' || !r.candidate || !r.baseline || !r.metrics.length) return [];
  if (!r.params.length) return ['### Training parameters', '', 'The two training runs have the same parameters.', ''];
  const show = (v: unknown) => (v === null || v === undefined ? '—' : mdText(typeof v === 'string' ? v : JSON.stringify(v)));
  const rows = r.params.map((p) => [mdText(p.key), show(p.baseline), show(p.candidate)]);
  return ['### Training parameters that differ', '', ...mdTable(['Param', `Baseline v${r.baseline.version}`, `Candidate v${r.candidate.version}`], 'lll', rows), ''];
}

function driftTable(r: GateResult): string[] {
  const cols = r.drift.columns;
  if (!cols.length) return r.metrics.length ? ['### Training-serving skew', '', 'No column summaries to compare (run.log_dataset of a .csv or .tsv file logs them).', ''] : [];
  const limit = r.drift.maxPsi;
  const rows = cols.slice(0, MAX_COLUMNS).map((c) => [mdText(c.column), formatPsi(c.psi), c.level, mdText(c.reference), limit === null ? '' : c.pass ? '✓' : `✗ > ${limit}`]);
  const more = cols.length > MAX_COLUMNS ? [`… and ${cols.length - MAX_COLUMNS} more columns.`, ''] : [];
  const against = r.candidate ? ` against v${r.candidate.version}'s training data` : '';
  const rule = `PSI < 0.1 stable, 0.1–0.25 moderate, > 0.25 major${limit === null ? '' : `; --max-psi ${limit}`}.`;
  return [`### Training-serving skew (PSI per column${against}, worst first)`, '', ...mdTable(['Column', 'PSI', 'Level', 'Training data set', limit === null ? '' : 'Result'], 'lrlll', rows), '', ...more, rule, ''];
}

function charts(r: GateResult): string[] {
  const out: string[] = [];
  const over = r.mode === 'compare' ? `${r.model}'s versions on this data set` : `the evaluations of ${r.model} v${r.candidate?.version}`;
  for (const m of r.metrics.slice(0, MAX_CHARTS)) {
    const chart = metricChart(m.key, r.history, `${m.key} over ${over}`);
    if (chart.length) out.push(...chart, '');
  }
  return out.length ? ['### History', '', ...out] : [];
}

function footer(r: GateResult): string {
  const parts = [`Trackside gate (${r.mode})`, formatTime(r.t)];
  if (r.commit) parts.push(`commit \`${r.commit.replace(/[^0-9A-Za-z]/g, '').slice(0, 12)}\``);
  if (r.url && /^https?:\/\/[^\s()<>]+$/.test(r.url)) parts.push(`[CI run](${r.url})`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

/** The report. `promote` is the alias asked for, so a fail can say it was not moved. */
export function gateMarkdown(r: GateResult, promote?: string): string {
  const why = r.verdict === 'pass' ? 'Checks' : r.verdict === 'fail' ? 'Why' : 'Missing';
  const lines = [
    headline(r),
    '',
    `**${why}:**`,
    '',
    ...r.reasons.map((x) => `- ${mdText(x)}`),
    '',
    ...promotionLine(r, r.verdict === 'pass' || r.verdict === 'fail' ? promote : undefined),
    ...metricsTable(r),
    ...driftTable(r),
    ...paramsTable(r),
    ...dataSets(r),
    ...charts(r),
    footer(r),
  ];
  return `${lines.join('\n')}\n`;
}
