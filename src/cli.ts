// trackside: the command line over the core. Run it in a workspace: it finds `.trackside/`
// walking up from the working directory (or TRACKSIDE_HOME) and ingests new events first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { formatDuration, formatMetric } from './core/display';
import { AmbiguousRunError, CorruptIndexError, UnknownRunError, isCorruptionError } from './core/errors';
import { RUN_STATUSES, type RunStatus } from './core/events';
import { exportMetricsCsv, writeMetricsCsv } from './core/export/metricsCsv';
import { exportRunArchive } from './core/export/runArchive';
import { type ExportFormat, exportRuns } from './core/exportRuns';
import { importPaths } from './core/import/importPaths';
import { FORMAT_NAMES } from './core/import/importTypes';
import type { ImportReport } from './core/import/importTypes';
import { type IngestReport, ingestAll } from './core/ingest';
import { toJsonText } from './core/jsonText';
import { latestValues } from './core/metricQueries';
import { gateCommand } from './core/gate/gateCommand';
import { modelCommand } from './core/models/modelCommand';
import { findRoot, indexPath } from './core/paths';
import { type CompiledQuery, compileQuery } from './core/query/compile';
import { QueryError } from './core/query/queryError';
import { rebuild } from './core/rebuild';
import { type RunDetail, type RunFilter, type RunInfo, countRuns, getRun, listRuns, resolveRun } from './core/runQueries';
import { NoEngineError, processEngine } from './core/sqlite/loadEngine';
import { isNotWritable, notWritableReason, openIndexForReading } from './core/readIndex';
import { type Store, openIndex } from './core/store';
import { oneLine, terminalSafe } from './core/terminalText';
import { sweepCommand } from './core/sweeps/sweepCommand';
import { type TeamIo, cmdPush, cmdTeam, teamListing, teamModelFetch, teamShow } from './core/team/teamCli';
import { version as VERSION } from '../package.json';

/** Exit codes (also listed in --help). */
const EXIT = { ok: 0, error: 1, usage: 2, noRoot: 3, corrupt: 4, partial: 5, readOnly: 6 } as const;

const HELP = `Usage: trackside <command> [options]

Commands:
  runs [--json] [--all] [--experiment NAME] [--status STATUS] [--tag TAG] [--limit N]
       [--where QUERY] [--team]
                      List runs, newest first: id, name, experiment, status, started,
                      duration and the last value of each metric. QUERY is the query
                      language, e.g. 'params.lr > 0.001 and metrics.val/acc.max >= 0.9'.
  show RUN [--json] [--team]
                      Everything about one run. RUN is an id, a unique id prefix or a
                      unique name.
  ingest [--json]     Read new events from the run folders into the index and report
                      skipped (malformed) lines as file:line.
  rebuild [--json]    Delete the index and rebuild it from the run folders.
  export [--format csv|json] [--out FILE] [--all] [--where QUERY]
                      Runs with params and metric summaries (default JSON to stdout).
  export --run RUN --metrics [--out FILE] [--sys]
                      One run's metric points as CSV: key,step,value,time,epoch
                      (--sys adds the hardware series).
  export --run RUN [--run RUN …] --archive FILE
                      Whole runs (folders and every blob they name) as a .tar, or
                      .tar.gz/.tgz, that "trackside import" brings back elsewhere.
  import PATH … [--experiment NAME] [--json]
                      Runs from TensorBoard logs (folders or event files), MLflow
                      (mlruns/ folders, mlflow.db or any SQLite store, its models and
                      registry) and Trackside archives, found at any depth under each
                      PATH. Importing again brings in what was added since; every file,
                      record or run that could not be read is listed with its path.
  push [RUN …] [--where QUERY] [--json]
                      Send runs (what is new since the last push) and their blobs to
                      the team index; "trackside push --help" has the details.
  team init|status    Create or upgrade the team index and its roles, or show it.
  model list|show|fetch|alias
                      The model registry: versions, aliases, evaluations; fetch a
                      version for deployment (trackside model fetch churn@production
                      --to DIR). "trackside model --help" has the details.
  sweep start FILE | status | pause | resume | cancel
                      Parameter sweeps from a terminal: queue a sweep file's trials and
                      run them here; "trackside sweep --help" has the details.
  gate --model NAME --candidate @latest --baseline @production --metric KEY …
                      For CI/CD: compare a candidate model version with a baseline on
                      one evaluation data set (--evaluate runs a missing evaluation),
                      write a Markdown report, --promote on a pass; --degradation holds
                      a version to its first evaluation. "trackside gate --help".

Options:
  --json              Machine-readable output (NaN and infinities as strings).
  --all               Include runs marked deleted.
  --team              runs, show and model fetch read the team index instead
                      (TRACKSIDE_TEAM_URL=postgres://USER@HOST:PORT/DB, password from
                      PGPASSWORD or ~/.pgpass; model fetch also TRACKSIDE_TEAM_BLOBS);
                      no .trackside folder needed.
  -h, --help          Show this help.
  --version           Trackside's version and the SQLite engine this Node runs it on
                      (TRACKSIDE_SQLITE_ENGINE=auto|builtin|better-sqlite3 forces one).

Exit codes: 0 ok, 1 unknown or ambiguous run or other error, 2 bad command, flag or
query, 3 no .trackside folder found, 4 unusable index (run "trackside rebuild"), 5 import
partial: runs were imported, but something listed could not be read or was left out,
6 the .trackside folder cannot be written (ingest, rebuild, import and model alias write
to it; runs, show and export read it all the same).
"gate" has codes of its own for a pipeline to branch on: 0 pass, 1 fail (the candidate
is worse, a metric degraded or a column drifted), 2 usage error, 3 missing data (no
.trackside folder, unknown model, alias, run, metric or data set, no evaluation of a
side on the data set); 3 is thus "no .trackside" and more, and 1 also ends a gate that
met an unexpected error (its message then starts with "trackside:" and no verdict is
printed); 4 and 6 keep their meaning.
`;

class UsageError extends Error {}

/** A query that does not parse: the message, the query, and a caret under the column. */
function queryUsage(query: string, e: QueryError): UsageError {
  return new UsageError(`${e.message}\n  ${query}\n  ${' '.repeat(Math.max(0, e.column - 1))}^`);
}

function compileWhere(query: string | undefined): CompiledQuery | undefined {
  if (query === undefined) return undefined;
  try {
    return compileQuery(query);
  } catch (e) {
    if (e instanceof QueryError) throw queryUsage(query, e);
    throw e;
  }
}
class NoRootError extends Error {}

function out(text: string): void {
  process.stdout.write(text);
}

/** Text for a person at a terminal: control characters from run data are shown escaped. JSON and exports go through `out` unchanged. */
function outText(text: string): void {
  out(terminalSafe(text));
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

/**
 * Opens the index and ingests what is new, warning about bad lines on stderr. Works on a
 * .trackside that cannot be written too (see openIndexForReading).
 */
function openFresh(root: string): Store {
  const { store, report } = openIndexForReading(root);
  if (report.badTotal > 0) {
    process.stderr.write(`trackside: skipped ${report.badTotal} malformed event line(s); "trackside ingest" lists them.\n`);
  }
  for (const u of report.unreadable) process.stderr.write(`trackside: cannot read ${u.file}: ${u.message} (run ${u.id} not updated)\n`);
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

async function cmdRuns(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    ...HELP_OPTION,
    json: { type: 'boolean' },
    all: { type: 'boolean' },
    experiment: { type: 'string' },
    status: { type: 'string' },
    tag: { type: 'string' },
    limit: { type: 'string' },
    where: { type: 'string' },
    team: { type: 'boolean' },
  });
  if (values.help) return help();
  if (positionals.length) throw new UsageError(`runs takes no arguments (got ${positionals.join(' ')})`);
  if (values.status !== undefined && !(RUN_STATUSES as readonly string[]).includes(values.status)) {
    throw new UsageError(`--status must be one of ${RUN_STATUSES.join(', ')}`);
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--limit must be a positive integer');
  const where = compileWhere(values.where);
  const filter = {
    includeDeleted: values.all ?? false,
    experiment: values.experiment,
    status: values.status as RunStatus | undefined,
    tag: values.tag,
  };
  const { runs, metrics } = values.team ? await teamListing({ ...filter, query: values.where }, limit) : localListing({ ...filter, where }, limit);
  if (values.json) {
    out(toJsonText(runs.map((r) => ({ ...r, duration: liveDuration(r), metrics: metrics.get(r.id) ?? {} })), 2) + '\n');
    return EXIT.ok;
  }
  if (runs.length === 0) {
    outText('No runs yet.\n');
    return EXIT.ok;
  }
  const rows = [['ID', 'NAME', 'EXPERIMENT', 'STATUS', 'STARTED', 'DURATION', 'METRICS']];
  for (const r of runs) {
    const m = Object.entries(metrics.get(r.id) ?? {})
      .map(([k, v]) => `${oneLine(k)}=${formatMetric(v)}`)
      .join(' ');
    rows.push([
      r.id,
      truncate(oneLine(r.name ?? ''), 32),
      truncate(oneLine(r.experiment ?? ''), 20),
      r.deleted ? `${r.status} (deleted)` : r.status,
      localTime(r.started),
      formatDuration(liveDuration(r)),
      m,
    ]);
  }
  outText(table(rows));
  return EXIT.ok;
}

function localListing(filter: RunFilter, limit: number | undefined): { runs: RunInfo[]; metrics: Map<string, Record<string, number>> } {
  const store = openFresh(requireRoot());
  try {
    const runs = listRuns(store, { ...filter, limit: limit ?? Math.max(1, countRuns(store, filter)) });
    return { runs, metrics: latestValues(store, runs.map((r) => r.id)) };
  } finally {
    store.close();
  }
}

function showText(r: RunDetail): string {
  const lines: string[] = [];
  const field = (k: string, v: unknown): void => {
    if (v !== null && v !== undefined && v !== '') lines.push(`${pad(`${k}:`, 12)}${oneLine(String(v))}`);
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
  if ('pushedBy' in r) field('Pushed by', `${String(r.pushedBy)}@${String((r as { pushedHost?: unknown }).pushedHost)}`);
  if (r.note) lines.push('', 'Note:', ...r.note.split('\n').map((l) => `  ${l}`));
  if (r.error) lines.push('', 'Error:', ...r.error.trimEnd().split('\n').map((l) => `  ${l}`));
  const params = Object.entries(r.params);
  if (params.length) lines.push('', 'Params:', ...params.map(([k, v]) => `  ${oneLine(k)} = ${oneLine(JSON.stringify(v))}`));
  if (r.metrics.length) {
    lines.push('', 'Metrics:');
    const rows = [['  KEY', 'LAST', 'MIN', 'MAX', 'STEPS', 'COUNT']];
    for (const m of r.metrics) {
      rows.push([`  ${oneLine(m.key)}`, formatMetric(m.last), formatMetric(m.min), formatMetric(m.max), `${m.firstStep}..${m.lastStep}`, String(m.count)]);
    }
    lines.push(table(rows).trimEnd());
  }
  if (r.artifacts.length) {
    lines.push('', 'Artifacts:', ...r.artifacts.map((a) => `  ${oneLine(a.name)} [${oneLine(a.kind)}] ${a.size} bytes sha256:${a.hash}${a.files.length ? ` (${a.files.length} files)` : ''}`));
  }
  if (r.images.length) lines.push('', 'Images:', ...r.images.map((i) => `  ${oneLine(i.key)} step ${i.step} ${i.format} sha256:${i.hash}`));
  if (r.datasets.length) {
    lines.push('', 'Datasets:', ...r.datasets.map((d) => `  ${oneLine(d.name)} ${oneLine(d.path)} ${d.files.length} file(s), ${d.size} bytes sha256:${d.hash}`));
  }
  if (r.code.length) lines.push('', `Code: ${r.code.length} file(s)`);
  if (r.log.badCount) lines.push('', `Event log: ${r.log.badCount} malformed line(s) skipped`);
  return lines.join('\n') + '\n';
}

async function cmdShow(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...HELP_OPTION, json: { type: 'boolean' }, team: { type: 'boolean' } });
  if (values.help) return help();
  if (positionals.length !== 1) throw new UsageError('show takes exactly one RUN (an id, a unique id prefix or a unique name)');
  const run = values.team ? await teamShow(positionals[0]) : localRun(positionals[0]);
  if (!run) throw new UnknownRunError(positionals[0]);
  if (values.json) out(toJsonText({ ...run, duration: liveDuration(run) }, 2) + '\n');
  else outText(showText(run));
  return EXIT.ok;
}

function localRun(ref: string): RunDetail | undefined {
  const store = openFresh(requireRoot());
  try {
    return getRun(store, resolveRun(store, ref));
  } finally {
    store.close();
  }
}

/** What the team commands (src/core/team/teamCli.ts) need of the command line. */
function teamIo(): TeamIo {
  return {
    out: outText,
    outJson: out,
    err: (t) => process.stderr.write(t),
    openStore: () => openFresh(requireRoot()),
    compileWhere,
    usage: (message) => new UsageError(message),
  };
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
  if (r.unreadable.length) {
    lines.push(`Could not read ${r.unreadable.length} run folder(s); the other runs are indexed:`);
    for (const u of r.unreadable) lines.push(`  ${u.file}: ${u.message}`);
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
    if (values.json) out(toJsonText(report, 2) + '\n');
    else outText(reportText(report, 'Ingested'));
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
  if (values.json) out(toJsonText(report, 2) + '\n');
  else outText(reportText(report, 'Rebuilt the index:'));
  return EXIT.ok;
}

function writeOut(file: string | undefined, text: string): void {
  if (file) {
    writeFileSync(file, text);
    process.stderr.write(`Wrote ${file}\n`);
  } else out(text);
}

async function cmdExport(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    ...HELP_OPTION,
    format: { type: 'string' },
    out: { type: 'string' },
    all: { type: 'boolean' },
    where: { type: 'string' },
    run: { type: 'string', multiple: true },
    metrics: { type: 'boolean' },
    sys: { type: 'boolean' },
    archive: { type: 'string' },
  });
  if (values.help) return help();
  if (positionals.length) throw new UsageError('export takes no arguments');
  const runRefs = values.run ?? [];
  if (values.metrics || values.archive !== undefined) {
    if (values.metrics && values.archive !== undefined) throw new UsageError('--metrics and --archive are separate exports');
    if (!runRefs.length) throw new UsageError(`${values.metrics ? '--metrics' : '--archive'} needs --run RUN`);
    if (values.metrics && runRefs.length > 1) throw new UsageError('--metrics takes one --run');
    if (values.format !== undefined || values.where !== undefined) throw new UsageError('--format and --where are for the runs export');
  } else if (runRefs.length) throw new UsageError('--run goes with --metrics or --archive FILE');
  const format = (values.format ?? 'json') as ExportFormat;
  if (format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');
  const where = compileWhere(values.where);
  const root = requireRoot();
  const store = openFresh(root);
  try {
    const ids = runRefs.map((ref) => resolveRun(store, ref));
    if (values.metrics) {
      const opts = { includeSys: values.sys ?? false };
      if (values.out) {
        const n = exportMetricsCsv(store, ids[0], values.out, opts);
        process.stderr.write(`Wrote ${n} point(s) to ${values.out}\n`);
      } else writeMetricsCsv(store, ids[0], out, opts);
      return EXIT.ok;
    }
    if (values.archive !== undefined) {
      const report = await exportRunArchive(root, ids, values.archive);
      if (report.missingBlobs.length) {
        process.stderr.write(`trackside: ${report.missingBlobs.length} blob(s) named by the run(s) are missing from the store and were left out.\n`);
      }
      process.stderr.write(`Wrote ${report.runs.length} run(s), ${report.blobs} blob(s), ${report.bytes} bytes to ${values.archive}\n`);
      return EXIT.ok;
    }
    writeOut(values.out, exportRuns(store, format, { includeDeleted: values.all ?? false, where }));
    return EXIT.ok;
  } finally {
    store.close();
  }
}

function importText(r: ImportReport, ingested: IngestReport): string {
  const lines = [`Imported ${r.imported.length} run(s) (${ingested.points} metric point(s))${r.cancelled ? ' before the import was cancelled' : ''}.`];
  for (const run of r.imported) lines.push(`  ${run.id}  ${run.name ?? ''}  [${FORMAT_NAMES[run.format]}]`);
  if (r.updated.length) {
    const added = r.updated.reduce((n, u) => n + u.points, 0);
    lines.push(`Updated ${r.updated.length} run(s) (+${added} point(s)):`);
    for (const run of r.updated) lines.push(`  ${run.id}  ${run.name ?? ''}  [${FORMAT_NAMES[run.format]}] +${run.points}`);
  }
  if (r.alreadyPresent.length) lines.push(`Already imported before, unchanged: ${r.alreadyPresent.length} run(s).`);
  if (r.skipped.length) {
    lines.push(`Left out ${r.skipped.length}:`);
    for (const s of r.skipped) lines.push(`  ${s.path}: ${s.reason}`);
  }
  if (r.warnings.length) {
    lines.push(`Incomplete ${r.warnings.length}:`);
    for (const w of r.warnings) lines.push(`  ${w.path}: ${w.message}`);
  }
  if (r.errors.length) {
    lines.push(`Could not read ${r.errors.length}:`);
    for (const e of r.errors) lines.push(`  ${e.path}: ${e.message}`);
  }
  return lines.join('\n') + '\n';
}

/** 0 all read; 5 partial (something listed was lost or left out); 1 nothing could be read, or cancelled. */
function importExit(r: ImportReport): number {
  if (r.cancelled) return EXIT.error;
  if (!r.errors.length && !r.warnings.length) return EXIT.ok;
  const read = r.imported.length + r.updated.length + r.alreadyPresent.length + r.skipped.length;
  return read ? EXIT.partial : EXIT.error;
}

async function cmdImport(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...HELP_OPTION, json: { type: 'boolean' }, experiment: { type: 'string' } });
  if (values.help) return help();
  if (!positionals.length) throw new UsageError('import needs at least one PATH (TensorBoard logs, an mlruns/ folder, mlflow.db or a Trackside archive)');
  const root = findRoot(process.cwd()) ?? join(process.cwd(), '.trackside');
  mkdirSync(root, { recursive: true });
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  const live = process.stderr.isTTY === true;
  let shown = 0;
  let report: ImportReport;
  try {
    report = await importPaths(root, positionals, {
      experiment: values.experiment,
      signal: controller.signal,
      onProgress: (p) => {
        if (!live || Date.now() - shown < 100) return;
        shown = Date.now();
        process.stderr.write(`\r\x1b[KImporting ${truncate(p.path, 60)}: ${p.runs} run(s), ${p.points} point(s)`);
      },
    });
  } finally {
    process.removeListener('SIGINT', stop);
    if (live && shown) process.stderr.write('\r\x1b[K');
  }
  const store = openIndex(root);
  let ingested: IngestReport;
  try {
    ingested = ingestAll(store);
  } finally {
    store.close();
  }
  if (values.json) out(toJsonText({ ...report, points: ingested.points }, 2) + '\n');
  else outText(importText(report, ingested));
  return importExit(report);
}

function help(): number {
  out(HELP);
  return EXIT.ok;
}

/** The version, and which SQLite engine this Node gives (and why another one did not load). */
function version(): number {
  out(`trackside ${VERSION}\n`);
  try {
    const { driver, attempts } = processEngine();
    out(`engine ${driver.name === 'builtin' ? 'node:sqlite (built in)' : 'better-sqlite3'}, SQLite ${driver.sqliteVersion}, Node ${process.versions.node}\n`);
    for (const a of attempts) if (a.error) out(`  ${a.name} not used: ${a.error}\n`);
    return EXIT.ok;
  } catch (e) {
    out(`no SQLite engine loads in Node ${process.versions.node}\n`);
    for (const a of e instanceof NoEngineError ? e.attempts : []) out(`  ${a.name}: ${a.error}\n`);
    return EXIT.error;
  }
}

const COMMANDS: Record<string, (args: string[]) => number | Promise<number>> = {
  runs: cmdRuns,
  show: cmdShow,
  ingest: cmdIngest,
  rebuild: cmdRebuild,
  push: (args) => cmdPush(args, teamIo()),
  team: (args) => cmdTeam(args, teamIo()),
  export: cmdExport,
  import: cmdImport,
  model: (args) =>
    args[0] === 'fetch' && args.includes('--team')
      ? teamModelFetch(args.slice(1), teamIo())
      : modelCommand(args, { out: args.includes('--json') ? out : outText, err: (t) => process.stderr.write(terminalSafe(t)), open: () => openFresh(requireRoot()) }),
  gate: (args) =>
    gateCommand(args, {
      out: outText,
      outJson: out,
      err: (t) => process.stderr.write(terminalSafe(t)),
      progress: (t) => process.stderr.write(t),
      cwd: process.cwd(),
      env: process.env,
      clientPath: join(__dirname, '..', 'src', 'python'),
      findRoot: () => findRoot(process.cwd()),
      openStore: (root) => openIndex(root),
    }),
  sweep: (args) =>
    sweepCommand(args, {
      out: outText,
      err: (t) => process.stderr.write(terminalSafe(t)),
      cwd: process.cwd(),
      env: process.env,
      findRoot: () => findRoot(process.cwd()),
      clientPath: join(__dirname, '..', 'src', 'python'),
    }),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') return help();
    if (command === '--version' || command === 'version') return version();
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command "${command}"`);
    return await run(rest);
  } catch (e) {
    const fail = (code: number, message: string): number => {
      process.stderr.write(`trackside: ${terminalSafe(message)}\n`);
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
    const root = findRoot(process.cwd());
    if (root && isNotWritable(e, root)) {
      const why = notWritableReason(root, e instanceof Error ? e.message : String(e));
      return fail(EXIT.readOnly, `${root} cannot be written (${why}): "${command}" needs to write it; runs, show and export read it as it is.`);
    }
    return fail(EXIT.error, e instanceof Error ? e.message : String(e));
  }
}

// Quietly stop when the reader of our output goes away (e.g. `trackside runs | head`).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
