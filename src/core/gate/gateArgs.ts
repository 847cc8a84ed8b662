// `trackside gate` options, checked: anything malformed is a usage error (exit code 2)
// before the index is opened.
import { parseArgs } from 'node:util';
import { isValidAlias, isValidModelName, LATEST } from '../models/modelNames';
import { type MetricSpec, parseMetricSpec } from './gateMetric';
import { GateUsageError, checkSideRef } from './gateSides';
import type { GateOptions } from './runGate';

export const GATE_HELP = `Usage: trackside gate --model NAME --baseline REF --metric KEY [options]
       trackside gate --model NAME@REF --degradation [--dataset PATH] [options]

Compares a candidate model version with a baseline on one evaluation data set and
exits 0 (pass) or 1 (fail), with every reason printed and a Markdown report.

  --model NAME           The model (degradation: NAME@REF, the version re-evaluated).
  --candidate REF        @latest (default), @N, @ALIAS, or the id or name of the run that
                         trained the version (or evaluated it).
  --baseline REF         The version to beat, e.g. @production.
  --metric KEY[:max|:min]
                         A metric the evaluations logged (repeat for more). Loss, error,
                         mse … are better lower, the rest higher; :max / :min say so.
  --min-delta X          How much better than the baseline the candidate must be on each
                         metric (absolute; default 0: a tie passes; a negative one,
                         --min-delta=-0.01, tolerates a small drop).
  --dataset PATH         The evaluation data (a file or folder, by content hash); without it,
                         the newest data set both sides were evaluated on.
  --evaluate CMD         Run CMD as a tracked evaluation run for a side that has no
                         evaluation on the data set; {ref} becomes NAME@N, {dataset} the
                         --dataset path. The script logs with trackside.init(model=…).
  --max-psi X            Fail when a column of the evaluation data drifted from the
                         candidate's training data by a PSI over X (e.g. 0.2).
  --promote ALIAS        On a pass, point ALIAS (e.g. production) at the candidate.
  --degradation          Hold the version's newest evaluation (on --dataset) to its first
                         one: fail when a metric worsened beyond the tolerance.
  --tolerance X          Degradation tolerance (0.05 = 5 %); default the workspace's
                         trackside.degradationTolerance (.vscode/settings.json), else 0.05.
  --report FILE          Write the Markdown report to FILE.
  --json                 Print the result as one JSON object (see README "In CI/CD").

Under GitHub Actions the report is added to the job summary, and the step outputs
verdict (pass, fail, missing), exit-code, summary and report are set.

Exit codes: 0 pass, 1 fail, 2 usage error, 3 missing data (no .trackside folder, an
unknown model, alias, version, run, metric or data set, no evaluation of a side on the
data set, an --evaluate command that failed); 4 and 6 as for every command.
`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  model: { type: 'string' },
  candidate: { type: 'string' },
  baseline: { type: 'string' },
  metric: { type: 'string', multiple: true },
  'min-delta': { type: 'string' },
  dataset: { type: 'string' },
  evaluate: { type: 'string' },
  'max-psi': { type: 'string' },
  promote: { type: 'string' },
  degradation: { type: 'boolean' },
  tolerance: { type: 'string' },
  report: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export interface GateArgs extends GateOptions {
  promote?: string;
  report?: string;
  json: boolean;
}

function number(text: string | undefined, flag: string, min?: number): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || (min !== undefined && x < min)) {
    throw new GateUsageError(`${flag} must be a number${min === undefined ? '' : ` ≥ ${min}`} (got ${JSON.stringify(text)})`);
  }
  return x;
}

/** The options, or "help". */
export function parseGateArgs(argv: string[]): GateArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new GateUsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (parsed.positionals.length) throw new GateUsageError(`gate takes no arguments (got ${parsed.positionals.join(' ')}); see --help`);
  if (!v.model) throw new GateUsageError('gate needs --model NAME');
  const at = v.model.indexOf('@');
  const model = at < 0 ? v.model : v.model.slice(0, at);
  if (!isValidModelName(model)) throw new GateUsageError(`invalid model name ${JSON.stringify(model)}`);
  const mode = v.degradation ? 'degradation' : 'compare';
  let candidate = at < 0 ? undefined : v.model.slice(at);
  if (candidate !== undefined && v.candidate !== undefined) throw new GateUsageError('give the candidate once: --model NAME@REF or --candidate REF');
  candidate = candidate ?? v.candidate ?? `@${LATEST}`;
  checkSideRef(candidate, mode === 'compare' ? '--candidate' : '--model');
  const metrics: MetricSpec[] = [];
  for (const text of v.metric ?? []) {
    const spec = parseMetricSpec(text);
    if (!spec) throw new GateUsageError(`--metric ${JSON.stringify(text)}: name a metric, e.g. val/auc or val/loss:min`);
    if (metrics.some((m) => m.key === spec.key)) throw new GateUsageError(`--metric ${spec.key} is given twice`);
    metrics.push(spec);
  }
  if (mode === 'compare') {
    if (!v.baseline) throw new GateUsageError('gate needs --baseline REF (e.g. @production), or --degradation');
    checkSideRef(v.baseline, '--baseline');
    if (!metrics.length) throw new GateUsageError('gate needs at least one --metric KEY (e.g. --metric val/auc)');
    if (v.tolerance !== undefined) throw new GateUsageError('--tolerance goes with --degradation; compare mode uses --min-delta');
  } else {
    if (v.baseline !== undefined) throw new GateUsageError('--degradation holds a version to its own first evaluation: no --baseline');
    if (v.promote !== undefined) throw new GateUsageError('--promote goes with a comparison, not --degradation');
    if (v['min-delta'] !== undefined) throw new GateUsageError('--min-delta goes with a comparison; --degradation uses --tolerance');
  }
  if (v.promote !== undefined && (!isValidAlias(v.promote) || v.promote === LATEST)) {
    throw new GateUsageError(`--promote ${JSON.stringify(v.promote)}: an alias such as production (letters, digits, "_", "-", ".", not only digits, not "latest")`);
  }
  if (v.evaluate !== undefined) {
    if (!v.evaluate.trim()) throw new GateUsageError('--evaluate is empty');
    if (v.evaluate.includes('{dataset}') && v.dataset === undefined) throw new GateUsageError('--evaluate uses {dataset}: give --dataset PATH');
  }
  if (v.dataset !== undefined && !v.dataset.trim()) throw new GateUsageError('--dataset is empty');
  return {
    model,
    mode,
    candidate,
    baseline: v.baseline,
    metrics,
    minDelta: number(v['min-delta'], '--min-delta') ?? 0,
    dataset: v.dataset,
    evaluate: v.evaluate,
    maxPsi: number(v['max-psi'], '--max-psi', 0),
    tolerance: number(v.tolerance, '--tolerance', 0),
    promote: v.promote,
    report: v.report,
    json: v.json ?? false,
  };
}
