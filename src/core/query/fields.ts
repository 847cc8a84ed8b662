// The fields a query can name, and which operators each accepts.
import type { Field, MetricAgg, Op, TextColumn } from './ast';

const TEXT: Record<string, TextColumn> = {
  id: 'id',
  name: 'name',
  experiment: 'experiment',
  note: 'note',
  job: 'job',
  source: 'source',
  host: 'host',
  'git.branch': 'git_branch',
  sweep: 'sweep',
};

const AGGS: readonly MetricAgg[] = ['last', 'min', 'max', 'count'];

/** For "expected a field (…)" and help texts. */
export const FIELD_NAMES: readonly string[] = [
  'id',
  'name',
  'experiment',
  'sweep',
  'status',
  'tags',
  'note',
  'job',
  'source',
  'host',
  'started',
  'ended',
  'updated',
  'duration',
  'git.commit',
  'git.branch',
  'dataset',
  'dataset.name',
  'dataset.path',
  'dataset.hash',
  'params.<key>',
  'metrics.<key>.<last|min|max|count>',
];

export const EXPECTED_FIELD = `a field (${FIELD_NAMES.join(', ')})`;

/**
 * The field a word names: fixed names are case-insensitive; `params.` / `metrics.` keys are
 * taken as written (they may contain `.` and `/`; a metric key's last `.last|min|max|count`
 * picks the summary, `last` when there is none). Undefined when it names no field.
 */
export function resolveField(word: string, quotedKey?: string, suffix?: string): Field | undefined {
  const lower = word.toLowerCase();
  if (quotedKey !== undefined) {
    if (lower === 'params.' && suffix === undefined) return { kind: 'param', key: quotedKey };
    if (lower === 'metrics.') {
      if (suffix === undefined) return { kind: 'metric', key: quotedKey, agg: 'last' };
      const agg = suffix.slice(1).toLowerCase() as MetricAgg;
      return AGGS.includes(agg) && suffix[0] === '.' ? { kind: 'metric', key: quotedKey, agg } : undefined;
    }
    return undefined;
  }
  if (lower.startsWith('params.') && word.length > 7) return { kind: 'param', key: word.slice(7) };
  if (lower.startsWith('metrics.') && word.length > 8) {
    const rest = word.slice(8);
    const dot = rest.lastIndexOf('.');
    const agg = rest.slice(dot + 1).toLowerCase() as MetricAgg;
    if (dot > 0 && AGGS.includes(agg)) return { kind: 'metric', key: rest.slice(0, dot), agg };
    return { kind: 'metric', key: rest, agg: 'last' };
  }
  if (lower in TEXT) return { kind: 'text', column: TEXT[lower] };
  switch (lower) {
    case 'status':
      return { kind: 'status' };
    case 'tags':
    case 'tag':
      return { kind: 'tags' };
    case 'started':
    case 'ended':
    case 'updated':
      return { kind: 'time', column: lower };
    case 'duration':
      return { kind: 'duration' };
    case 'git.commit':
    case 'commit':
      return { kind: 'commit' };
    case 'dataset':
      return { kind: 'dataset', part: 'any' };
    case 'dataset.name':
    case 'dataset.path':
    case 'dataset.hash':
      return { kind: 'dataset', part: lower.slice(8) as 'name' | 'path' | 'hash' };
  }
  return undefined;
}

const TEXT_OPS: readonly Op[] = ['=', '~', 'contains', 'in'];
const ORDER_OPS: readonly Op[] = ['=', '<', '<=', '>', '>='];
const ALL_OPS: readonly Op[] = ['=', '<', '<=', '>', '>=', '~', 'contains', 'in'];

/** Operators a field accepts (negated forms go with their positive one). */
export function fieldOps(f: Field): readonly Op[] {
  switch (f.kind) {
    case 'time':
    case 'duration':
    case 'metric':
      return ORDER_OPS;
    case 'param':
      return ALL_OPS;
    default:
      return TEXT_OPS;
  }
}

/** "=, !=, ~, !~, contains or in": the operators a field accepts, as written. */
export function describeOps(f: Field): string {
  const written: string[] = [];
  for (const op of fieldOps(f)) {
    if (op === '=') written.push('=', '!=');
    else if (op === '~') written.push('~', '!~');
    else if (op === 'contains' || op === 'in') written.push(`'${op}'`);
    else written.push(op);
  }
  return `${written.slice(0, -1).join(', ')} or ${written[written.length - 1]}`;
}
