// trackside: the command line over the core. Run it in a workspace: it finds `.trackside/`
// walking up from the working directory (or TRACKSIDE_HOME) and ingests new events first.
import { writeFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { formatDuration, formatMetric } from './core/display';
import { AmbiguousRunError, CorruptIndexError, UnknownRunError, isCorruptionError } from './core/errors';
import type { RunStatus } from './core/events';
import { type ExportFormat, exportRuns } from './core/exportRuns';
import { type IngestReport, ingestAll } from './core/ingest';
import { toJsonText } from './core/jsonText';
import { latestValues } from './core/metricQueries';
import { modelCommand } from './core/models/modelCommand';
import { findRoot, indexPath } from './core/paths';
import { rebuild } from './core/rebuild';
import { type RunDetail, type RunInfo, countRuns, getRun, listRuns, resolveRun } from './core/runQueries';
import { type Store, openIndex } from './core/store';

/** Exit codes (also listed in --help). */
const EXIT = { ok: 0, error: 1, usage: 2, noRoot: 3, corrupt: 4 } as const;

const HELP = `Usage: trackside <command> [options]

Commands:
  runs [--json] [--all] [--experiment NAME] [--status STATUS] [--tag TAG] [--limit N]
                      List runs, newest first: id, name, experiment, status, started,
                      duration and the last value of each metric.
  show RUN [--json]   Everything about one run. RUN is an id, a unique id prefix or a
                      unique name.
  ingest [--json]     Read new events from the run folders into the index and report
                      skipped (malformed) lines as file:line.
  rebuild [--json]    Delete the index and rebuild it from the run folders.
  export [--format csv|json] [--out FILE] [--all]
                      Runs with params and metric summaries (default JSON to stdout).
  model list|show|fetch|alias
                      The model registry: versions, aliases, evaluations; fetch a
                      version for deployment (trackside model fetch churn@production
                      --to DIR). "trackside model --help" has the details.

Options:
  --json              Machine-readable output (NaN and infinities as strings).
  --all               Include runs marked deleted.
  -h, --help          Show this help.

Exit codes: 0 ok, 1 unknown or ambiguous run or other error, 2 bad command or flag,
3 no .trackside folder found, 4 unusable index (run "trackside rebuild").
`;

class UsageError extends Error {}
class NoRootError extends Error {}

const STATUSES: readonly RunStatus[] = ['running', 'finished', 'failed', 'stopped', 'crashed'];

function out(text: string): void {
  process.stdout.write(text);
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function requireRoot(): string {
  const root = findRoot(process.cwd());
  if (!root) {
    throw new NoRootError(
      `No .trackside folder found in ${process.cwd()} or any folder above it (or TRACKSIDE_HOME). Run a tracked script here first.`,
    );
  }
  return root;
}

/** Opens the index and ingests what is new, warning about bad lines on stderr. */
function openFresh(root: string): Store {
  const store = openIndex(root);
  const report = ingestAll(store);
  if (report.badTotal > 0) {
    process.stderr.write(`trackside: skipped ${report.badTotal} malformed event line(s); "trackside ingest" lists them.\n`);
  }
  return store;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function localTime(ms: number | null): string {
  if (ms === null) return '—';
  const d = new Date(ms);
  const p = (x: number): string => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function liveDuration(r: RunInfo): number | null {
  if (r.status === 'running' && r.started !== null) return Math.max(0, Date.now() - r.started);
  return r.duration;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

function cmdRuns(args: string[]): number {
  const { values, positionals } = parse(args, {
    ...HELP_OPTION,
    json: { type: 'boolean' },
    all: { type: 'boolean' },
    experiment: { type: 'string' },
    status: { type: 'string' },
    tag: { type: 'string' },
    limit: { type: 'string' },
  });
  if (values.help) return help();
  if (positionals.length) throw new UsageError(`runs takes no arguments (got ${positionals.join(' ')})`);
  if (values.status !== undefined && !STATUSES.includes(values.status as RunStatus)) {
    throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--limit must be a positive integer');
  const store = openFresh(requireRoot());
  try {
    const filter = {
      includeDeleted: values.all ?? false,
      experiment: values.experiment,
      status: values.status as RunStatus | undefined,
      tag: values.tag,
    };
    const runs = listRuns(store, { ...filter, limit: limit ?? Math.max(1, countRuns(store, filter)) });
    const metrics = latestValues(store, runs.map((r) => r.id));
    if (values.json) {
      out(toJsonText(runs.map((r) => ({ ...r, duration: liveDuration(r), metrics: metrics.get(r.id) ?? {} })), 2) + '\n');
      return EXIT.ok;
    }
    if (runs.length === 0) {
      out('No runs yet.\n');
      return EXIT.ok;
    }
    const rows = [['ID', 'NAME', 'EXPERIMENT', 'STATUS', 'STARTED', 'DURATION', 'METRICS']];
    for (const r of runs) {
      const m = Object.entries(metrics.get(r.id) ?? {})
        .map(([k, v]) => `${k}=${formatMetric(v)}`)
        .join(' ');
      rows.push([
        r.id,
        truncate(r.name ?? '', 32),
        truncate(r.experiment ?? '', 20),
        r.deleted ? `${r.status} (deleted)` : r.status,
        localTime(r.started),
        formatDuration(liveDuration(r)),
        m,
      ]);
    }
    out(table(rows));
    return EXIT.ok;
  } finally {
    store.close();
  }
}

function showText(r: RunDetail): string {
  const lines: string[] = [];
  const field = (k: string, v: unknown): void => {
    if (v !== null && v !== undefined && v !== '') lines.push(`${pad(`${k}:`, 12)}${String(v)}`);
  };
  field('Run', r.id);
  field('Name', r.name);
  field('Experiment', r.experiment);
  field('Status', `${r.status}${r.exitCode !== null ? ` (exit code ${r.exitCode})` : ''}${r.deleted ? ', deleted' : ''}`);
  field('Started', r.started !== null ? new Date(r.started).toISOString() : null);
  field('Ended', r.ended !== null ? new Date(r.ended).toISOString() : null);
  field('Duration', formatDuration(liveDuration(r)));
  field('Tags', r.tags.join(', '));
  field('Command', Array.isArray(r.command) ? r.command.join(' ') : r.command);
  field('Cwd', r.cwd);
  field('Script', r.script);
  if (r.git) field('Git', `${r.git.commit ?? '?'}${r.git.branch ? ` (${r.git.branch})` : ''}${r.git.dirty ? ', dirty' : ''}`);
  if (r.python) field('Python', [r.python.version, r.python.executable].filter(Boolean).join(' '));
  field('Host', r.host);
  field('Pid', r.pid);
  if (r.note) lines.push('', 'Note:', ...r.note.split('\n').map((l) => `  ${l}`));
  if (r.error) lines.push('', 'Error:', ...r.error.trimEnd().split('\n').map((l) => `  ${l}`));
  const params = Object.entries(r.params);
  if (params.length) lines.push('', 'Params:', ...params.map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`));
  if (r.metrics.length) {
    lines.push('', 'Metrics:');
    const rows = [['  KEY', 'LAST', 'MIN', 'MAX', 'STEPS', 'COUNT']];
    for (const m of r.metrics) {
      rows.push([`  ${m.key}`, formatMetric(m.last), formatMetric(m.min), formatMetric(m.max), `${m.firstStep}..${m.lastStep}`, String(m.count)]);
    }
    lines.push(table(rows).trimEnd());
  }
  if (r.artifacts.length) {
    lines.push('', 'Artifacts:', ...r.artifacts.map((a) => `  ${a.name} [${a.kind}] ${a.size} bytes sha256:${a.hash}${a.files.length ? ` (${a.files.length} files)` : ''}`));
  }
  if (r.images.length) lines.push('', 'Images:', ...r.images.map((i) => `  ${i.key} step ${i.step} ${i.format} sha256:${i.hash}`));
  if (r.datasets.length) {
    lines.push('', 'Datasets:', ...r.datasets.map((d) => `  ${d.name} ${d.path} ${d.files.length} file(s), ${d.size} bytes sha256:${d.hash}`));
  }
  if (r.code.length) lines.push('', `Code: ${r.code.length} file(s)`);
  if (r.log.badCount) lines.push('', `Event log: ${r.log.badCount} malformed line(s) skipped`);
  return lines.join('\n') + '\n';
}

function cmdShow(args: string[]): number {
  const { values, positionals } = parse(args, { ...HELP_OPTION, json: { type: 'boolean' } });
  if (values.help) return help();
  if (positionals.length !== 1) throw new UsageError('show takes exactly one RUN (an id, a unique id prefix or a unique name)');
  const store = openFresh(requireRoot());
  try {
    const id = resolveRun(store, positionals[0]);
    const run = getRun(store, id);
    if (!run) throw new UnknownRunError(positionals[0]);
    out(values.json ? toJsonText({ ...run, duration: liveDuration(run) }, 2) + '\n' : showText(run));
    return EXIT.ok;
  } finally {
    store.close();
  }
}

function reportText(r: IngestReport, verb: string): string {
  const lines = [
    `${verb} ${r.events} event(s) (${r.points} metric point(s)) from ${r.runsChanged.length} of ${r.runsSeen} run folder(s).`,
  ];
  if (r.runsRemoved.length) lines.push(`Removed ${r.runsRemoved.length} run(s) whose folder is gone: ${r.runsRemoved.join(', ')}`);
  if (r.badTotal) {
    lines.push(`Skipped ${r.badTotal} malformed line(s):`);
    for (const b of r.bad) lines.push(`  ${b.file}:${b.line}: ${b.message}`);
    if (r.badTotal > r.bad.length) lines.push(`  … and ${r.badTotal - r.bad.length} more`);
  }
  return lines.join('\n') + '\n';
}

function cmdIngest(args: string[]): number {
  const { values, positionals } = parse(args, { ...HELP_OPTION, json: { type: 'boolean' } });
  if (values.help) return help();
  if (positionals.length) throw new UsageError('ingest takes no arguments');
  const store = openIndex(requireRoot());
  try {
    const report = ingestAll(store);
    out(values.json ? toJsonText(report, 2) + '\n' : reportText(report, 'Ingested'));
    return EXIT.ok;
  } finally {
    store.close();
  }
}

function cmdRebuild(args: string[]): number {
  const { values, positionals } = parse(args, { ...HELP_OPTION, json: { type: 'boolean' } });
  if (values.help) return help();
  if (positionals.length) throw new UsageError('rebuild takes no arguments');
  const report = rebuild(requireRoot());
  out(values.json ? toJsonText(report, 2) + '\n' : reportText(report, 'Rebuilt the index:'));
  return EXIT.ok;
}

function cmdExport(args: string[]): number {
  const { values, positionals } = parse(args, { ...HELP_OPTION, format: { type: 'string' }, out: { type: 'string' }, all: { type: 'boolean' } });
  if (values.help) return help();
  if (positionals.length) throw new UsageError('export takes no arguments');
  const format = (values.format ?? 'json') as ExportFormat;
  if (format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');
  const store = openFresh(requireRoot());
  try {
    const text = exportRuns(store, format, { includeDeleted: values.all ?? false });
    if (values.out) {
      writeFileSync(values.out, text);
      process.stderr.write(`Wrote ${values.out}\n`);
    } else out(text);
    return EXIT.ok;
  } finally {
    store.close();
  }
}

function help(): number {
  out(HELP);
  return EXIT.ok;
}

const COMMANDS: Record<string, (args: string[]) => number> = {
  runs: cmdRuns,
  show: cmdShow,
  ingest: cmdIngest,
  rebuild: cmdRebuild,
  export: cmdExport,
  model: (args) => modelCommand(args, { out, err: (t) => process.stderr.write(t), open: () => openFresh(requireRoot()) }),
};

export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') return help();
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command "${command}"`);
    return run(rest);
  } catch (e) {
    const fail = (code: number, message: string): number => {
      process.stderr.write(`trackside: ${message}\n`);
      return code;
    };
    if (e instanceof UsageError) return fail(EXIT.usage, `${e.message}\nRun "trackside --help" for usage.`);
    if (e instanceof NoRootError) return fail(EXIT.noRoot, e.message);
    if (e instanceof CorruptIndexError) return fail(EXIT.corrupt, `${e.message}\nRun "trackside rebuild".`);
    if (isCorruptionError(e)) {
      const root = findRoot(process.cwd());
      return fail(EXIT.corrupt, `the index ${root ? indexPath(root) : 'index.db'} is damaged (${(e as Error).message}). Run "trackside rebuild".`);
    }
    if (e instanceof UnknownRunError || e instanceof AmbiguousRunError) return fail(EXIT.error, e.message);
    return fail(EXIT.error, e instanceof Error ? e.message : String(e));
  }
}

// Quietly stop when the reader of our output goes away (e.g. `trackside runs | head`).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = main(process.argv.slice(2));
