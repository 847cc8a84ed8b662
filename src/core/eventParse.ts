// Turns one line of events.jsonl into a checked event, or says why it cannot.
// Unknown extra fields are ignored (newer writers may add some); wrong types for the
// fields a type defines make the line bad, so the index never holds half-understood data.
import { type MetricsEvent, RUN_STATUSES, type RunLogEvent, type SysEvent } from './events';

/** A metrics event whose non-finite strings have become numbers. */
export type ParsedMetricsEvent = Omit<MetricsEvent, 'values'> & { values: Record<string, number> };
export type ParsedSysEvent = Omit<SysEvent, 'values'> & { values: Record<string, number> };
export type ParsedEvent = Exclude<RunLogEvent, MetricsEvent | SysEvent> | ParsedMetricsEvent | ParsedSysEvent;

const STATUSES: ReadonlySet<string> = new Set(RUN_STATUSES);
const IMAGE_FORMATS: ReadonlySet<string> = new Set(['png', 'jpeg', 'svg']);
const HASH_RE = /^[0-9a-fA-F]{64}$/;

type Obj = Record<string, unknown>;

class Bad extends Error {}

function fail(message: string): never {
  throw new Bad(message);
}

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function str(o: Obj, k: string, type: string): string {
  const v = o[k];
  if (typeof v !== 'string') fail(`${type}: "${k}" must be a string`);
  return v;
}

function optStr(o: Obj, k: string, type: string): void {
  const v = o[k];
  if (v !== undefined && v !== null && typeof v !== 'string') fail(`${type}: "${k}" must be a string`);
}

function num(o: Obj, k: string, type: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${type}: "${k}" must be a finite number`);
  return v;
}

function optNum(o: Obj, k: string, type: string): void {
  const v = o[k];
  if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
    fail(`${type}: "${k}" must be a finite number`);
  }
}

function hash(o: Obj, k: string, type: string): void {
  const v = str(o, k, type);
  if (!HASH_RE.test(v)) fail(`${type}: "${k}" must be a SHA-256 hex digest`);
  o[k] = v.toLowerCase();
}

/** A hash when present. */
function optHash(o: Obj, k: string, type: string): void {
  if (typeof o[k] === 'string') hash(o, k, type);
  else optStr(o, k, type);
}

/** The stored bytes an event names: their hash and size, and a folder's files. */
function blobRef(o: Obj, type: string, filesRequired: boolean): void {
  hash(o, 'hash', type);
  num(o, 'size', type);
  files(o, 'files', type, filesRequired);
}

function strArray(o: Obj, k: string, type: string): void {
  const v = o[k];
  if (v === undefined || v === null) return;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(`${type}: "${k}" must be an array of strings`);
}

function files(o: Obj, k: string, type: string, required: boolean): void {
  const v = o[k];
  if (v === undefined || v === null) {
    if (required) fail(`${type}: "${k}" must be an array of files`);
    return;
  }
  if (!Array.isArray(v)) fail(`${type}: "${k}" must be an array of files`);
  for (const f of v as unknown[]) {
    if (!isObj(f)) fail(`${type}: every entry of "${k}" must be an object`);
    str(f, 'path', `${type} file`);
    hash(f, 'hash', `${type} file`);
    num(f, 'size', `${type} file`);
  }
}

function jsonObject(o: Obj, k: string, type: string, required: boolean): void {
  const v = o[k];
  if (v === undefined || v === null) {
    if (required) fail(`${type}: "${k}" must be an object`);
    return;
  }
  if (!isObj(v)) fail(`${type}: "${k}" must be an object`);
}

/** Metric values: numbers, or the strings the client writes for NaN and ±Infinity. */
function metricValues(o: Obj, type: string): void {
  const v = o.values;
  if (!isObj(v)) fail(`${type}: "values" must be an object`);
  for (const key in v) {
    const x = v[key];
    if (typeof x === 'number') continue;
    const n = x === 'NaN' ? Number.NaN : x === 'Infinity' ? Number.POSITIVE_INFINITY : x === '-Infinity' ? Number.NEGATIVE_INFINITY : undefined;
    if (n === undefined) fail(`${type}: value of "${key}" must be a number or "NaN"/"Infinity"/"-Infinity"`);
    // Defined, not assigned: `v["__proto__"] = n` would leave the key's string in place.
    Object.defineProperty(v, key, { value: n, writable: true, enumerable: true, configurable: true });
  }
}

function checkRun(o: Obj): void {
  for (const k of ['name', 'experiment', 'cwd', 'script', 'host', 'note', 'source', 'job', 'parent']) optStr(o, k, 'run');
  optNum(o, 'pid', 'run');
  const c = o.command;
  if (c !== undefined && c !== null && typeof c !== 'string' && !(Array.isArray(c) && c.every((x) => typeof x === 'string'))) {
    fail('run: "command" must be a string or an array of strings');
  }
  jsonObject(o, 'git', 'run', false);
  if (isObj(o.git)) {
    const g = o.git;
    optStr(g, 'commit', 'run git');
    optStr(g, 'branch', 'run git');
    if (g.dirty !== undefined && g.dirty !== null && typeof g.dirty !== 'boolean') fail('run git: "dirty" must be a boolean');
    optHash(g, 'diff', 'run git');
  }
  jsonObject(o, 'python', 'run', false);
  if (isObj(o.python)) {
    optStr(o.python, 'executable', 'run python');
    optStr(o.python, 'version', 'run python');
  }
  // Param values are kept as given (stored as JSON text), so lists or nested values survive.
  jsonObject(o, 'params', 'run', false);
  strArray(o, 'tags', 'run');
}

/** A model version number: a positive integer. */
function version(o: Obj, required: boolean, type: string): void {
  const v = o.version;
  if (v === undefined || v === null) {
    if (required) fail(`${type}: "version" must be a positive integer`);
    return;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(`${type}: "version" must be a positive integer`);
}

function checkModel(o: Obj): void {
  str(o, 'name', 'model');
  version(o, false, 'model');
  blobRef(o, 'model', false);
  optStr(o, 'weights', 'model');
  files(o, 'code', 'model', true);
  jsonObject(o, 'metadata', 'model', false);
  const d = o.datasets;
  if (d !== undefined && d !== null) {
    if (!Array.isArray(d)) fail('model: "datasets" must be an array');
    for (const x of d as unknown[]) {
      if (!isObj(x)) fail('model: every dataset must be an object');
      str(x, 'name', 'model dataset');
      hash(x, 'hash', 'model dataset');
    }
  }
}

const GATE_MODES: ReadonlySet<string> = new Set(['compare', 'degradation']);
const VERDICTS: ReadonlySet<string> = new Set(['pass', 'fail']);

function checkGate(o: Obj): void {
  if (!GATE_MODES.has(str(o, 'mode', 'gate'))) fail('gate: "mode" must be compare or degradation');
  if (!VERDICTS.has(str(o, 'verdict', 'gate'))) fail('gate: "verdict" must be pass or fail');
  version(o, true, 'gate');
  const b = o.baseline;
  if (b !== undefined && b !== null && (typeof b !== 'number' || !Number.isInteger(b) || b < 1)) fail('gate: "baseline" must be a positive integer');
  str(o, 'summary', 'gate');
  if (!Array.isArray(o.reasons) || !o.reasons.every((x) => typeof x === 'string')) fail('gate: "reasons" must be an array of strings');
  for (const k of ['baseline_ref', 'evaluation', 'promoted', 'commit', 'url']) optStr(o, k, 'gate');
  for (const k of ['dataset', 'report']) optHash(o, k, 'gate');
}

function check(o: Obj, type: string): void {
  switch (type) {
    case 'metrics':
      num(o, 'step', type);
      optNum(o, 'epoch', type);
      metricValues(o, type);
      return;
    case 'sys':
      metricValues(o, type);
      return;
    case 'run':
      checkRun(o);
      return;
    case 'params':
      jsonObject(o, 'values', type, true);
      return;
    case 'artifact':
      str(o, 'name', type);
      str(o, 'kind', type);
      blobRef(o, type, false);
      optStr(o, 'source', type);
      return;
    case 'image':
      str(o, 'key', type);
      num(o, 'step', type);
      hash(o, 'hash', type);
      if (!IMAGE_FORMATS.has(str(o, 'format', type))) fail('image: "format" must be png, jpeg or svg');
      num(o, 'size', type);
      optNum(o, 'width', type);
      optNum(o, 'height', type);
      return;
    case 'dataset':
      str(o, 'name', type);
      str(o, 'path', type);
      blobRef(o, type, true);
      return;
    case 'code':
      files(o, 'files', type, true);
      optStr(o, 'root', type);
      return;
    case 'tags':
      strArray(o, 'add', type);
      strArray(o, 'remove', type);
      return;
    case 'note':
      str(o, 'text', type);
      return;
    case 'rename':
      str(o, 'name', type);
      return;
    case 'status':
      if (!STATUSES.has(str(o, 'status', type))) fail(`status: "status" must be ${RUN_STATUSES.slice(0, -1).join(', ')} or ${RUN_STATUSES.at(-1)}`);
      optNum(o, 'exit_code', type);
      optStr(o, 'error', type);
      return;
    case 'deleted':
      if (typeof o.deleted !== 'boolean') fail('deleted: "deleted" must be a boolean');
      return;
    case 'model':
      checkModel(o);
      return;
    case 'model_ref':
      str(o, 'name', type);
      version(o, true, type);
      optStr(o, 'ref', type);
      optHash(o, 'hash', type);
      return;
    case 'alias':
      str(o, 'alias', type);
      if (o.removed !== undefined && o.removed !== null && typeof o.removed !== 'boolean') fail('alias: "removed" must be a boolean');
      version(o, o.removed !== true, type);
      for (const k of ['gate', 'commit', 'url']) optStr(o, k, type);
      return;
    case 'gate':
      checkGate(o);
      return;
    default:
      fail(`unknown event type ${JSON.stringify(type).slice(0, 60)}`);
  }
}

// Python's json.dumps writes bare NaN/Infinity unless told otherwise; accept them by
// quoting those tokens (outside strings) and trying again.
const BARE_NONFINITE = /"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)/g;

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (e) {
    if (line.includes('NaN') || line.includes('Infinity')) {
      const quoted = line.replace(BARE_NONFINITE, (m, bare: string | undefined) => (bare ? `"${bare}"` : m));
      if (quoted !== line) {
        try {
          return JSON.parse(quoted);
        } catch {
          // fall through to the original error
        }
      }
    }
    throw new Bad(`invalid JSON: ${(e as Error).message}`);
  }
}

/**
 * Parses and checks one complete line (without its "\n").
 * Returns the event, or a string saying why the line is bad.
 */
export function parseEventLine(line: string): ParsedEvent | string {
  try {
    const o = parseJson(line);
    if (!isObj(o)) return 'not a JSON object';
    const type = o.type;
    if (typeof type !== 'string') return 'missing "type"';
    if (typeof o.t !== 'number' || !Number.isFinite(o.t)) return `${type}: "t" must be a finite number`;
    check(o, type);
    return o as unknown as ParsedEvent;
  } catch (e) {
    if (e instanceof Bad) return e.message;
    throw e;
  }
}

