// MLflow's SQL store in SQLite (`mlflow.db`), read-only. Tables as MLflow's schema has them:
//   experiments(experiment_id, name, artifact_location, lifecycle_stage, …)
//   runs(run_uuid, name, status 'RUNNING'|'SCHEDULED'|'FINISHED'|'FAILED'|'KILLED', start_time,
//        end_time, lifecycle_stage, artifact_uri, experiment_id, …)
//   params(key, value, run_uuid)   tags(key, value, run_uuid)
//   metrics(key, value, timestamp, run_uuid, step, is_nan)   NaN is value 0 with is_nan 1
// Metric rows are read in rowid order from where the last import stopped; a store whose file
// did not change since is not opened at all.
import { closeSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type FileMark, loadSourceMark, markOf, saveSourceMark, unchanged } from './importState';
import { importSlot } from './importedRun';
import { type ImportOptions, type ImportReport, emptyImportReport } from './importTypes';
import { findArtifactDir } from './mlflowArtifacts';
import { type MlflowContext, type MlflowPoint, syncMlflowRun } from './mlflowRun';
import { StateIndex } from './stateIndex';
import type { Engine } from '../sqlite/engine';
import { processEngine } from '../sqlite/loadEngine';

function openReadOnly(path: string): Engine {
  return processEngine().driver.open(path, { readonly: true });
}

const REQUIRED = ['experiments', 'runs', 'params', 'tags', 'metrics'];
const SQLITE_MAGIC = 'SQLite format 3\0';

/** Whether a file starts as an SQLite database does. */
export function isSqliteFile(path: string): boolean {
  const head = Buffer.alloc(16);
  try {
    const fd = openSync(path, 'r');
    try {
      readSync(fd, head, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  return head.toString('latin1') === SQLITE_MAGIC;
}

/** MLflow's tables missing from an SQLite file ([] for an MLflow store); throws when it cannot be read. */
export function missingMlflowTables(path: string): string[] {
  const db = openReadOnly(path);
  try {
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    return REQUIRED.filter((t) => !tables.has(t));
  } finally {
    db.close();
  }
}

/** Whether a file is an SQLite database with MLflow's tables. */
export function isMlflowDb(path: string): boolean {
  if (!isSqliteFile(path)) return false;
  try {
    return missingMlflowTables(path).length === 0;
  } catch {
    return false;
  }
}

function columns(db: Engine, table: string): Set<string> {
  return new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
}

function storeMarks(path: string): Record<string, FileMark> {
  const out: Record<string, FileMark> = {};
  for (const f of [path, `${path}-wal`]) {
    const m = markOf(f);
    if (m) out[f] = m;
  }
  return out;
}

interface RunRow {
  uuid: string;
  name: string | null;
  status: string | null;
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: string | null;
  artifact_uri: string | null;
  experiment: string | null;
  experiment_stage: string | null;
}

export async function importMlflowDb(
  root: string,
  path: string,
  opts: ImportOptions = {},
  report: ImportReport = emptyImportReport(),
  within = dirname(path),
): Promise<ImportReport> {
  const states = new StateIndex(root);
  const mine = states.all().filter((s) => s.source.startsWith(`${path}#`));
  const marks = storeMarks(path);
  const before = loadSourceMark(root, path);
  if (before && mine.length && Object.keys(marks).every((f) => unchanged(before.files[f], marks[f])) && Object.keys(before.files).length === Object.keys(marks).length) {
    for (const s of mine) report.alreadyPresent.push({ id: s.id, origin: s.origin });
    return report;
  }
  const db = openReadOnly(path);
  try {
    let runs: RunRow[];
    let runCols: Set<string>;
    let metricCols: Set<string>;
    try {
      // Older schemas lack some columns: read what is there.
      runCols = columns(db, 'runs');
      metricCols = columns(db, 'metrics');
      runs = db
        .prepare(
          `SELECT r.run_uuid AS uuid, ${runCols.has('name') ? 'r.name' : 'NULL'} AS name, r.status, r.start_time, r.end_time,
             r.lifecycle_stage, r.artifact_uri, e.name AS experiment, e.lifecycle_stage AS experiment_stage
           FROM runs r LEFT JOIN experiments e ON e.experiment_id = r.experiment_id
           ORDER BY r.start_time, r.run_uuid`,
        )
        .all() as RunRow[];
    } catch (e) {
      throw new Error(`a damaged MLflow database (${(e as Error).message})`);
    }
    if (!runs.length) throw new Error('an MLflow database without runs: nothing to import');
    const col = (c: string, cols: Set<string>, fallback = 'NULL'): string => (cols.has(c) ? c : fallback);
    const params = db.prepare('SELECT key, value FROM params WHERE run_uuid = ? ORDER BY key').raw();
    const tags = db.prepare('SELECT key, value FROM tags WHERE run_uuid = ? ORDER BY key').raw();
    const metrics = db
      .prepare(
        `SELECT key, value, timestamp, ${col('step', metricCols, '0')} AS step, ${col('is_nan', metricCols, '0')} AS is_nan, rowid
         FROM metrics WHERE run_uuid = ? AND rowid > ? ORDER BY timestamp, step, rowid`,
      )
      .raw();
    const starts = new Map(runs.map((r) => [r.uuid, r.start_time ?? 0]));
    const ctx: MlflowContext = {
      root,
      within,
      report,
      opts,
      parentId: (uuid) => states.byOrigin(`mlflow:${uuid}`)?.id ?? (starts.has(uuid) ? importSlot(root, starts.get(uuid) ?? 0, `mlflow:${uuid}`).id : undefined),
    };
    const dbDir = dirname(path);
    for (const r of runs) {
      opts.signal?.throwIfAborted();
      const where = `${path}#${r.uuid}`;
      if (r.lifecycle_stage === 'deleted' || r.experiment_stage === 'deleted') {
        report.skipped.push({ path: where, reason: 'deleted in MLflow' });
        continue;
      }
      try {
        const owner = states.byOrigin(`mlflow:${r.uuid}`);
        if (owner && owner.source !== where) {
          report.alreadyPresent.push({ id: owner.id, origin: owner.origin });
          continue;
        }
        const fromRow = owner?.files[where]?.rows ?? 0;
        let maxRow = fromRow;
        const points: MlflowPoint[] = (metrics.all(r.uuid, fromRow) as [string, number, number, number, number, number][]).map(([key, value, timestamp, step, isNan, rowid]) => {
          if (rowid > maxRow) maxRow = rowid;
          return { key, value: isNan ? Number.NaN : value, timestamp, step };
        });
        await syncMlflowRun(
          {
            uuid: r.uuid,
            experiment: r.experiment,
            name: r.name,
            status: r.status,
            start: r.start_time,
            end: r.end_time,
            params: params.all(r.uuid) as [string, string][],
            tags: tags.all(r.uuid) as [string, string | null][],
            metrics: points,
            artifacts: findArtifactDir(
              { uri: r.artifact_uri, runUuid: r.uuid, base: dbDir, nextTo: [], storeRoots: [join(dbDir, 'mlartifacts'), join(dbDir, 'mlruns'), dbDir], within, where },
              report,
            ),
            path: where,
            files: { [where]: { size: 0, mtime: 0, rows: maxRow } },
          },
          owner,
          ctx,
        );
        states.refresh(`mlflow:${r.uuid}`);
      } catch (e) {
        if ((e as Error).name === 'AbortError') throw e;
        report.errors.push({ path: where, message: (e as Error).message });
      }
      opts.onProgress?.({ path: where, runs: report.imported.length, points: report.points });
    }
  } finally {
    db.close();
  }
  saveSourceMark(root, path, { files: marks });
  return report;
}
