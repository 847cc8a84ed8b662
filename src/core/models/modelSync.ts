// Brings the index's model tables up to date with .trackside/models/: new version files are
// read (they never change once written), each alias log is read from its saved offset and
// folded in order, and models whose folder is gone are dropped. Cheap when nothing changed
// (a directory listing and a stat per model), so every model query may call it first.
import { readFileSync, readdirSync } from 'node:fs';
import type { BadLine } from '../eventReader';
import type { Store } from '../store';
import { isValidModelName } from './modelNames';
import { syncGates } from './gateSync';
import { syncModelLog } from './logSync';
import { aliasLog, modelsDir, versionFile, versionOfFileName, versionsDir } from './registryPaths';
import { parseVersionRecord } from './versionRecord';

export interface ModelSyncReport {
  /** Models whose rows changed. */
  changed: string[];
  /** Version files that could not be read (retried at the next sync) and bad alias lines. */
  bad: BadLine[];
}

/** Model folder names under models/: [] when there is none, undefined when unreadable. */
export function listModelFolders(root: string): string[] | undefined {
  try {
    return readdirSync(modelsDir(root), { withFileTypes: true })
      .filter((d) => d.isDirectory() && isValidModelName(d.name))
      .map((d) => d.name)
      .sort();
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? [] : undefined;
  }
}

const MODEL_TABLES = ['model_versions', 'model_aliases', 'model_logs', 'model_gates', 'model_gate_logs'];

export function syncModels(store: Store): ModelSyncReport {
  const report: ModelSyncReport = { changed: [], bad: [] };
  const folders = listModelFolders(store.root);
  for (const name of folders ?? []) {
    const a = syncVersions(store, name, report);
    const b = syncAliases(store, name, report);
    const c = syncGates(store, name, report);
    if (a || b || c) report.changed.push(name);
  }
  if (folders === undefined) return report;
  const present = new Set(folders);
  const known = store.stmt('SELECT name FROM model_versions UNION SELECT name FROM model_logs UNION SELECT name FROM model_gate_logs').pluck().all() as string[];
  for (const name of known) {
    if (present.has(name)) continue;
    store.transaction(() => {
        for (const table of MODEL_TABLES) store.stmt(`DELETE FROM ${table} WHERE name = ?`).run(name);
      }, 'immediate');
    report.changed.push(name);
  }
  return report;
}

/**
 * What the model tables hold, in brief. Another process (the CLI's gate, alias or ingest)
 * may read the registry into the same index first; then a sync here finds nothing new, yet
 * whoever shows the models is behind: a changed fingerprint says so.
 */
export function registryFingerprint(store: Store): string {
  const row = store
    .stmt(
      `SELECT (SELECT count(*) FROM model_versions) AS v, (SELECT coalesce(sum(offset), 0) FROM model_logs) AS a,
              (SELECT coalesce(sum(offset), 0) FROM model_gate_logs) AS g`,
    )
    .get() as { v: number; a: number; g: number };
  return `${row.v}:${row.a}:${row.g}`;
}

function syncVersions(store: Store, name: string, report: ModelSyncReport): boolean {
  let files: string[];
  try {
    files = readdirSync(versionsDir(store.root, name));
  } catch {
    files = [];
  }
  const onDisk = new Set(files.map(versionOfFileName).filter((v): v is number => v !== undefined));
  const known = new Set(store.stmt('SELECT version FROM model_versions WHERE name = ?').pluck().all(name) as number[]);
  const added: { version: number; text: string }[] = [];
  for (const version of onDisk) {
    if (known.has(version)) continue;
    const file = versionFile(store.root, name, version);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      report.bad.push({ file, line: 1, message: (e as Error).message });
      continue;
    }
    added.push({ version, text });
  }
  const gone = [...known].filter((v) => !onDisk.has(v));
  if (added.length === 0 && gone.length === 0) return false;
  let changed = false;
  store.transaction(() => {
      const insert = store.stmt(
        'INSERT OR IGNORE INTO model_versions (name, version, run_id, hash, size, t, record) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const { version, text } of added) {
        const r = parseVersionRecord(text, name, version);
        if (typeof r === 'string') {
          report.bad.push({ file: versionFile(store.root, name, version), line: 1, message: r });
          continue;
        }
        if (insert.run(name, version, r.run ?? null, r.hash, r.size, r.t, JSON.stringify(r)).changes > 0) changed = true;
      }
      for (const v of gone) {
        store.stmt('DELETE FROM model_versions WHERE name = ? AND version = ?').run(name, v);
        changed = true;
      }
    }, 'immediate');
  return changed;
}

function syncAliases(store: Store, name: string, report: ModelSyncReport): boolean {
  return syncModelLog(store, name, {
    file: aliasLog(store.root, name),
    positions: 'model_logs',
    clear: () => store.stmt('DELETE FROM model_aliases WHERE name = ?').run(name),
    apply: (ev) => {
      if (ev.type !== 'alias') return false;
      if (ev.removed === true) store.stmt('DELETE FROM model_aliases WHERE name = ? AND alias = ?').run(name, ev.alias);
      else store.stmt('INSERT OR REPLACE INTO model_aliases (name, alias, version, t) VALUES (?, ?, ?, ?)').run(name, ev.alias, ev.version, ev.t);
      return true;
    },
  }, report);
}
