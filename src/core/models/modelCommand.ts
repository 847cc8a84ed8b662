// `trackside model …`: the model registry on the command line.
import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { formatMetric } from '../display';
import { toJsonText } from '../jsonText';
import type { Store } from '../store';
import { DEFAULT_TOLERANCE } from './degradation';
import { fetchModel } from './fetchModel';
import { checkAlias, checkModelName, formatModelRef, parseModelRef } from './modelNames';
import { UnknownModelError, listModels, listVersions, resolveModelRef } from './modelQueries';
import { syncModels } from './modelSync';
import { writeAlias } from './registryWrite';
import { versionReport } from './versionReport';

export const MODEL_HELP = `Usage: trackside model <command>

  list [--json]                 Models, their versions and aliases.
  show REF [--json] [--tolerance X]
                                One version: training run, weights, code, evaluations
                                (degradations against the first one marked).
  fetch REF --to DIR [--json]   Copy the weights and inference code to DIR with a
                                manifest.json (hashes, source run, version); every file's
                                hash is checked.
  alias NAME ALIAS VERSION      Point ALIAS (production, staging, …) at VERSION.
  alias NAME ALIAS --remove     Remove the alias.

REF is NAME@ALIAS (churn@production), NAME@VERSION (churn@3) or NAME (its latest version).
`;

export interface ModelCommandIo {
  out(text: string): void;
  err(text: string): void;
  /** The index, brought up to date with the run folders (throws when there is none). */
  open(): Store;
}

const EXIT = { ok: 0, error: 1, usage: 2 } as const;

class Usage extends Error {}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

function args<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    const all = { ...HELP_OPTION, ...options };
    return parseArgs<{ args: string[]; options: typeof all; allowPositionals: true; strict: true }>({ args: argv, options: all, allowPositionals: true, strict: true });
  } catch (e) {
    throw new Usage((e as Error).message);
  }
}

function withStore<T>(io: ModelCommandIo, fn: (store: Store) => T): T {
  const store = io.open();
  try {
    const report = syncModels(store);
    for (const b of report.bad.slice(0, 10)) io.err(`trackside: skipped ${b.file}:${b.line}: ${b.message}\n`);
    return fn(store);
  } finally {
    store.close();
  }
}

function list(argv: string[], io: ModelCommandIo): number {
  const { values, positionals } = args(argv, { json: { type: 'boolean' } });
  if (values.help) return help(io);
  if (positionals.length) throw new Usage('model list takes no arguments');
  return withStore(io, (store) => {
    const models = listModels(store);
    if (values.json) {
      io.out(toJsonText(models.map((m) => ({ ...m, versions: listVersions(store, m.name).map(({ record: _r, ...v }) => v) })), 2) + '\n');
      return EXIT.ok;
    }
    if (models.length === 0) {
      io.out('No models yet. Log one with run.log_model(path, name, inference_code=[…]).\n');
      return EXIT.ok;
    }
    for (const m of models) {
      io.out(`${m.name}\n`);
      for (const v of listVersions(store, m.name)) {
        const aliases = v.aliases.length ? ` [${v.aliases.join(', ')}]` : '';
        const run = v.runId ? ` run ${v.runName ?? v.runId}` : '';
        io.out(`  v${v.version}${aliases}${run}, ${v.evaluations} evaluation(s), sha256:${v.hash.slice(0, 12)}\n`);
      }
    }
    return EXIT.ok;
  });
}

function show(argv: string[], io: ModelCommandIo): number {
  const { values, positionals } = args(argv, { json: { type: 'boolean' }, tolerance: { type: 'string' } });
  if (values.help) return help(io);
  if (positionals.length !== 1) throw new Usage('model show takes one REF (churn@production, churn@3)');
  const tolerance = values.tolerance === undefined ? DEFAULT_TOLERANCE : Number(values.tolerance);
  if (!(tolerance >= 0)) throw new Usage('--tolerance must be a number ≥ 0 (0.05 = 5 %)');
  return withStore(io, (store) => {
    const v = resolveModelRef(store, positionals[0]);
    const report = versionReport(store, v.name, v.version, { tolerance })!;
    if (values.json) {
      io.out(toJsonText(report, 2) + '\n');
      return EXIT.ok;
    }
    const lines = [
      `${report.name} v${report.version}${report.aliases.length ? ` [${report.aliases.join(', ')}]` : ''}`,
      `  run:      ${report.runId ?? '—'}${report.runName ? ` (${report.runName})` : ''}`,
      `  weights:  ${report.weights} sha256:${report.hash} (${report.size} bytes)`,
      `  code:     ${report.code.map((c) => c.path).join(', ') || '—'}`,
      `  datasets: ${report.datasets.map((d) => `${d.name} sha256:${d.hash.slice(0, 12)}`).join(', ') || '—'}`,
    ];
    if (Object.keys(report.metadata).length) lines.push(`  metadata: ${JSON.stringify(report.metadata)}`);
    lines.push('', `Evaluations (${report.evaluations.length}):`);
    for (const e of report.evaluations) {
      const mark = e.baseline ? 'baseline' : e.degraded ? 'DEGRADED' : e.status === 'finished' ? 'ok' : e.status;
      const vals = report.metrics.map((k) => `${k}=${formatMetric(e.values[k] ?? Number.NaN)}`).join(' ');
      const data = e.datasets.map((d) => d.hash.slice(0, 12)).join(',') || '—';
      lines.push(`  ${e.runId}  ${mark.padEnd(8)}  data ${data}  ${vals}`);
    }
    if (report.degradations.length) {
      lines.push('', `Degradations (tolerance ${tolerance * 100} %):`);
      for (const d of report.degradations) {
        const c = d.check;
        const change = c.change === null ? 'not comparable' : `${(c.change * 100).toFixed(1)} % worse`;
        lines.push(`  ${d.runId} ${c.key}: ${formatMetric(c.baseline ?? Number.NaN)} → ${formatMetric(c.value ?? Number.NaN)} (${change}, ${c.direction} is better)`);
      }
    }
    io.out(lines.join('\n') + '\n');
    return EXIT.ok;
  });
}

function fetch(argv: string[], io: ModelCommandIo): number {
  const { values, positionals } = args(argv, { to: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) return help(io);
  if (positionals.length !== 1) throw new Usage('model fetch takes one REF (churn@production, churn@3)');
  if (!values.to) throw new Usage('model fetch needs --to DIR');
  const ref = formatModelRef(parseModelRef(positionals[0]));
  const dir = resolve(values.to);
  return withStore(io, (store) => {
    const v = resolveModelRef(store, ref);
    const manifest = fetchModel(store.root, v, positionals[0], dir);
    if (values.json) io.out(toJsonText({ dir, ...manifest }, 2) + '\n');
    else io.out(`Fetched ${v.name} v${v.version} (run ${v.runId ?? '—'}): ${manifest.files.length} file(s) verified into ${dir}\n`);
    return EXIT.ok;
  });
}

function alias(argv: string[], io: ModelCommandIo): number {
  const { values, positionals } = args(argv, { remove: { type: 'boolean' } });
  if (values.help) return help(io);
  const [name, aliasName, version] = positionals;
  if (!name || !aliasName || positionals.length > (values.remove ? 2 : 3) || (!values.remove && !version)) {
    throw new Usage('model alias takes NAME ALIAS VERSION, or NAME ALIAS --remove');
  }
  checkModelName(name);
  checkAlias(aliasName);
  return withStore(io, (store) => {
    if (values.remove) {
      writeAlias(store.root, name, aliasName, null);
      io.out(`Removed ${name}@${aliasName}\n`);
      return EXIT.ok;
    }
    const v = resolveModelRef(store, `${name}@${version}`);
    writeAlias(store.root, name, aliasName, v.version);
    io.out(`${name}@${aliasName} → v${v.version}\n`);
    return EXIT.ok;
  });
}

function help(io: ModelCommandIo): number {
  io.out(MODEL_HELP);
  return EXIT.ok;
}

const COMMANDS: Record<string, (argv: string[], io: ModelCommandIo) => number> = { list, show, fetch, alias };

/** Runs `trackside model …`; errors other than usage and unknown models are thrown. */
export function modelCommand(argv: string[], io: ModelCommandIo): number {
  const [sub, ...rest] = argv;
  try {
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return help(io);
    const run = COMMANDS[sub];
    if (!run) throw new Usage(`unknown model command "${sub}"`);
    return run(rest, io);
  } catch (e) {
    if (e instanceof Usage) {
      io.err(`trackside: ${e.message}\nRun "trackside model --help" for usage.\n`);
      return EXIT.usage;
    }
    if (e instanceof UnknownModelError) {
      io.err(`trackside: ${e.message}\n`);
      return EXIT.error;
    }
    throw e;
  }
}
