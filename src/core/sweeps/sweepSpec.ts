// A sweep file (`*.sweep.yaml` or `.json`, close to W&B's): what to run, which parameters to
// try and how, the metric to optimize, and the queue's limits. Every error names the file's
// line and column, and the whole file is checked before anything starts.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ParamValue } from '../events';

export type SweepMethod = 'grid' | 'random' | 'bayes';

export type ParamSpace =
  | { kind: 'values'; values: ParamValue[] }
  | { kind: 'uniform' | 'log_uniform'; min: number; max: number }
  | { kind: 'int_uniform'; min: number; max: number };

export interface SweepSpec {
  name: string;
  /** A .py or .ipynb file relative to the sweep file's folder, or a run configuration's name. */
  program: string;
  method: SweepMethod;
  parameters: Record<string, ParamSpace>;
  metric?: { name: string; goal: 'minimize' | 'maximize' };
  /** How many trials at most; a grid defaults to all of its points. */
  runCap: number;
  concurrency: number;
  seed: number;
  /** Median stopping: a trial whose metric is worse than the median of earlier trials at the same step, after minSteps steps. */
  earlyTerminate?: { type: 'median'; minSteps: number; minTrials: number };
  experiment?: string;
  /** Fixed arguments before the swept `--key value` pairs. */
  args: string[];
}

export class SweepFileError extends Error {
  override readonly name = 'SweepFileError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}

const KEYS = new Set(['name', 'description', 'program', 'method', 'parameters', 'metric', 'run_cap', 'concurrency', 'seed', 'early_terminate', 'experiment', 'args']);
const PARAM_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const GRID_LIMIT = 100_000;

export function isSweepFileName(file: string): boolean {
  return /(^|[\\/.])sweep\.(ya?ml|json)$/i.test(file);
}

/** Parses and checks a sweep file's text. `file` names it in errors and gives the default name. */
export function parseSweep(text: string, file: string): SweepSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | null | undefined, reason: string, offset?: number): SweepFileError => {
    const pos = lines.linePos(offset ?? node?.range?.[0] ?? 0);
    return new SweepFileError(file, pos.line, pos.col, reason);
  };
  const first = doc.errors[0];
  if (first) throw at(undefined, first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), first.pos[0]);
  const root = doc.contents;
  if (!isMap(root)) throw at(root, 'A sweep file is a mapping with program, method and parameters.');

  const fields = new Map<string, Node | null>();
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || !KEYS.has(key)) {
      throw at(pair.key as Node, `Unknown key ${JSON.stringify(key ?? '?')}; a sweep has ${[...KEYS].join(', ')}.`);
    }
    fields.set(key, pair.value as Node | null);
  }
  const req = (key: string): Node => {
    const node = fields.get(key);
    if (node == null) throw at(root, `The sweep has no "${key}".`);
    return node;
  };
  const str = (node: Node, what: string): string => {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') throw at(node, `${what} must be a non-empty string.`);
    return node.value.trim();
  };
  const num = (node: Node, what: string): number => {
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value)) throw at(node, `${what} must be a number.`);
    return node.value;
  };
  const int = (node: Node, what: string, min: number): number => {
    const n = num(node, what);
    if (!Number.isInteger(n) || n < min) throw at(node, `${what} must be a whole number of at least ${min}.`);
    return n;
  };
  const optional = <T>(key: string, read: (node: Node) => T): T | undefined => {
    const node = fields.get(key);
    return node == null ? undefined : read(node);
  };

  const program = str(req('program'), 'program');
  const methodNode = req('method');
  const method = str(methodNode, 'method');
  if (method !== 'grid' && method !== 'random' && method !== 'bayes') throw at(methodNode, `method must be grid, random or bayes, not ${JSON.stringify(method)}.`);

  const paramsNode = req('parameters');
  if (!isMap(paramsNode) || paramsNode.items.length === 0) throw at(paramsNode, 'parameters must be a mapping of at least one parameter.');
  const parameters: Record<string, ParamSpace> = {};
  for (const pair of paramsNode.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    if (!PARAM_KEY.test(key)) throw at(keyNode, `Invalid parameter name ${JSON.stringify(key)}: use letters, digits, "_", "-" or ".", starting with a letter or "_".`);
    parameters[key] = paramSpace(pair.value as Node | null, key, keyNode);
  }

  let metric: SweepSpec['metric'];
  const metricNode = fields.get('metric');
  if (metricNode != null) {
    if (!isMap(metricNode)) throw at(metricNode, 'metric must be a mapping with name and goal.');
    const nameNode = metricNode.get('name', true) as Node | undefined;
    if (!nameNode) throw at(metricNode, 'metric has no "name" (the key the script logs).');
    const goalNode = metricNode.get('goal', true) as Node | undefined;
    const goal = goalNode ? str(goalNode, 'metric goal') : 'minimize';
    if (goal !== 'minimize' && goal !== 'maximize') throw at(goalNode, `metric goal must be minimize or maximize, not ${JSON.stringify(goal)}.`);
    metric = { name: str(nameNode, 'metric name'), goal };
  }
  if (method === 'bayes' && !metric) throw at(methodNode, 'A bayes sweep needs a metric (name and goal) to optimize.');

  const gridSize = Object.values(parameters).reduce((n, p) => n * (p.kind === 'values' ? p.values.length : p.kind === 'int_uniform' ? p.max - p.min + 1 : Infinity), 1);
  if (method === 'grid') {
    const continuous = Object.entries(parameters).find(([, p]) => p.kind === 'uniform' || p.kind === 'log_uniform');
    if (continuous) throw at(paramsNode.get(continuous[0], true) as Node, `A grid cannot try a continuous ${continuous[1].kind} parameter ("${continuous[0]}"): give it values.`);
    if (gridSize > GRID_LIMIT) throw at(paramsNode, `The grid has ${gridSize} points; more than ${GRID_LIMIT} is not a sweep to queue.`);
  }
  const runCap = optional('run_cap', (n) => int(n, 'run_cap', 1));
  if (runCap === undefined && method !== 'grid') throw at(methodNode, `A ${method} sweep needs run_cap (how many trials to run).`);

  let earlyTerminate: SweepSpec['earlyTerminate'];
  const etNode = fields.get('early_terminate');
  if (etNode != null) {
    if (!isMap(etNode)) throw at(etNode, 'early_terminate must be a mapping: {type: median, min_steps: N}.');
    const typeNode = etNode.get('type', true) as Node | undefined;
    const type = typeNode ? str(typeNode, 'early_terminate type') : 'median';
    if (type !== 'median') throw at(typeNode, `early_terminate type must be median, not ${JSON.stringify(type)}.`);
    if (!metric) throw at(etNode, 'early_terminate needs a metric to compare trials by.');
    const minStepsNode = etNode.get('min_steps', true) as Node | undefined;
    const minTrialsNode = etNode.get('min_trials', true) as Node | undefined;
    earlyTerminate = {
      type: 'median',
      minSteps: minStepsNode ? int(minStepsNode, 'early_terminate min_steps', 0) : 1,
      minTrials: minTrialsNode ? int(minTrialsNode, 'early_terminate min_trials', 1) : 3,
    };
  }

  const argsNode = fields.get('args');
  let args: string[] = [];
  if (argsNode != null) {
    if (!isSeq(argsNode)) throw at(argsNode, 'args must be a list of strings.');
    args = argsNode.items.map((item) => {
      if (!isScalar(item) || item.value === null || typeof item.value === 'object') throw at(item as Node, 'args must be a list of strings.');
      return String(item.value);
    });
  }

  const base = file.split(/[\\/]/).pop()!.replace(/\.sweep\.(ya?ml|json)$/i, '').replace(/\.(ya?ml|json)$/i, '');
  return {
    name: optional('name', (n) => str(n, 'name')) ?? base,
    program,
    method,
    parameters,
    ...(metric ? { metric } : {}),
    runCap: runCap ?? gridSize,
    concurrency: optional('concurrency', (n) => int(n, 'concurrency', 1)) ?? 1,
    seed: optional('seed', (n) => int(n, 'seed', 0)) ?? 0,
    ...(earlyTerminate ? { earlyTerminate } : {}),
    ...(fields.get('experiment') != null ? { experiment: str(fields.get('experiment')!, 'experiment') } : {}),
    args,
  };

  function paramSpace(node: Node | null, key: string, keyNode: Node): ParamSpace {
    if (node == null) throw at(keyNode, `Parameter "${key}" needs values, a value, or a distribution with min and max.`);
    if (isSeq(node)) return { kind: 'values', values: valueList(node, key) };
    if (!isMap(node)) return { kind: 'values', values: [scalarValue(node, key)] };
    const known = new Set(['values', 'value', 'distribution', 'min', 'max']);
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!known.has(k)) throw at(pair.key as Node, `Unknown key ${JSON.stringify(k)} in parameter "${key}"; use values, value, or distribution with min and max.`);
    }
    const get = (k: string): Node | undefined => (node.get(k, true) as Node | undefined) ?? undefined;
    const distNode = get('distribution');
    const dist = distNode ? str(distNode, `distribution of "${key}"`) : undefined;
    const valuesNode = get('values');
    const valueNode = get('value');
    if (valuesNode && (dist === undefined || dist === 'categorical')) {
      if (!isSeq(valuesNode)) throw at(valuesNode, `values of "${key}" must be a list.`);
      return { kind: 'values', values: valueList(valuesNode, key) };
    }
    if (valueNode && dist === undefined) return { kind: 'values', values: [scalarValue(valueNode, key)] };
    if (dist === 'categorical') throw at(distNode, `A categorical parameter ("${key}") needs values.`);
    if (dist === undefined) throw at(node, `Parameter "${key}" needs values, a value, or a distribution with min and max.`);
    if (dist !== 'uniform' && dist !== 'log_uniform' && dist !== 'int_uniform') {
      throw at(distNode, `distribution must be uniform, log_uniform, int_uniform or categorical, not ${JSON.stringify(dist)}.`);
    }
    const minNode = get('min');
    const maxNode = get('max');
    if (!minNode || !maxNode) throw at(node, `A ${dist} parameter ("${key}") needs min and max.`);
    const min = num(minNode, `min of "${key}"`);
    const max = num(maxNode, `max of "${key}"`);
    if (!(min < max)) throw at(maxNode, `max of "${key}" must be greater than its min.`);
    if (dist === 'log_uniform' && min <= 0) throw at(minNode, `A log_uniform parameter ("${key}") needs min > 0 (min and max are the values themselves).`);
    if (dist === 'int_uniform' && (!Number.isInteger(min) || !Number.isInteger(max))) throw at(Number.isInteger(min) ? maxNode : minNode, `An int_uniform parameter ("${key}") needs whole-number bounds.`);
    return { kind: dist, min, max };
  }

  function valueList(seq: Node, key: string): ParamValue[] {
    if (!isSeq(seq) || seq.items.length === 0) throw at(seq, `values of "${key}" must be a non-empty list.`);
    const values = seq.items.map((item) => scalarValue(item as Node, key));
    const seen = new Set<string>();
    seq.items.forEach((item, i) => {
      const k = JSON.stringify(values[i]);
      if (seen.has(k)) throw at(item as Node, `values of "${key}" list ${k} twice.`);
      seen.add(k);
    });
    return values;
  }

  function scalarValue(node: Node, key: string): ParamValue {
    if (!isScalar(node) || (node.value !== null && typeof node.value === 'object')) throw at(node, `A value of "${key}" must be a number, a string or true/false.`);
    const v = node.value;
    if (typeof v === 'number' && !Number.isFinite(v)) throw at(node, `A value of "${key}" must be a finite number.`);
    if (v === null) throw at(node, `A value of "${key}" is empty.`);
    return v as ParamValue;
  }
}
