// MLflow's SQL store in SQLite (`mlflow.db`), read-only. Tables as MLflow's schema has them:
//   experiments(experiment_id, name, artifact_location, lifecycle_stage, …)
//   runs(run_uuid, name, status 'RUNNING'|'SCHEDULED'|'FINISHED'|'FAILED'|'KILLED', start_time,
//        end_time, lifecycle_stage, artifact_uri, experiment_id, …)
//   params(key, value, run_uuid)   tags(key, value, run_uuid)
//   metrics(key, value, timestamp, run_uuid, step, is_nan)   NaN is value 0 with is_nan 1
import { dirname } from 'node:path';
import { type MlflowPoint, localArtifactDir, writeMlflowRun } from './mlflowRun';
import { type ImportOptions, type ImportReport, emptyImportReport } from './importTypes';
import type { Engine } from '../sqlite/engine';
import { processEngine } from '../sqlite/loadEngine';

function openReadOnly(path: string): Engine {
  return processEngine().driver.open(path, { readonly: true });
}

const REQUIRED = ['experiments', 'runs', 'params', 'tags', 'metrics'];

/** Whether a file is an SQLite database with MLflow's tables. */
export function isMlflowDb(path: string): boolean {
  try {
    const db = openReadOnly(path);
    try {
      const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
      return REQUIRED.every((t) => tables.has(t));
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

function columns(db: Engine, table: string): Set<string> {
  return new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
}

export async function importMlflowDb(root: string, path: string, opts: ImportOptions = {}, report: ImportReport = emptyImportReport()): Promise<ImportReport> {
  const db = openReadOnly(path);
  try {
    // Older schemas lack some columns: read what is there.
    const runCols = columns(db, 'runs');
    const metricCols = columns(db, 'metrics');
    const col = (c: string, cols: Set<string>, fallback = 'NULL'): string => (cols.has(c) ? c : fallback);
    const runs = db
      .prepare(
        `SELECT r.run_uuid AS uuid, ${runCols.has('name') ? 'r.name' : 'NULL'} AS name, r.status, r.start_time, r.end_time,
           r.lifecycle_stage, r.artifact_uri, e.name AS experiment, e.lifecycle_stage AS experiment_stage
         FROM runs r LEFT JOIN experiments e ON e.experiment_id = r.experiment_id
         ORDER BY r.start_time, r.run_uuid`,
      )
      .all() as {
      uuid: string;
      name: string | null;
      status: string | null;
      start_time: number | null;
      end_time: number | null;
      lifecycle_stage: string | null;
      artifact_uri: string | null;
      experiment: string | null;
      experiment_stage: string | null;
    }[];
    const params = db.prepare('SELECT key, value FROM params WHERE run_uuid = ? ORDER BY key').raw();
    const tags = db.prepare('SELECT key, value FROM tags WHERE run_uuid = ? ORDER BY key').raw();
    const metrics = db
      .prepare(
        `SELECT key, value, timestamp, ${col('step', metricCols, '0')} AS step, ${col('is_nan', metricCols, '0')} AS is_nan
         FROM metrics WHERE run_uuid = ? ORDER BY timestamp, step`,
      )
      .raw();
    for (const r of runs) {
      opts.signal?.throwIfAborted();
      const where = `${path}#${r.uuid}`;
      if (r.lifecycle_stage === 'deleted' || r.experiment_stage === 'deleted') {
        report.skipped.push({ path: where, reason: 'deleted in MLflow' });
        continue;
      }
      try {
        const points: MlflowPoint[] = (metrics.all(r.uuid) as [string, number, number, number, number][]).map(([key, value, timestamp, step, isNan]) => ({
          key,
          value: isNan ? Number.NaN : value,
          timestamp,
          step,
        }));
        await writeMlflowRun(
          root,
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
            artifacts: localArtifactDir(r.artifact_uri, dirname(path)),
            path: where,
          },
          report,
          opts,
        );
      } catch (e) {
        if ((e as Error).name === 'AbortError') throw e;
        report.errors.push({ path: where, message: (e as Error).message });
      }
      opts.onProgress?.({ path: where, runs: report.imported.length, points: report.points });
    }
  } finally {
    db.close();
  }
  return report;
}
