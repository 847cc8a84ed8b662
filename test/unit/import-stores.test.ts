// Finding every store under a path (mlruns trees, SQLite files with MLflow's tables whatever
// their name, TensorBoard logs and Trackside archives, at any depth, link loops passed by)
// in one import with one report; clear messages for what cannot be imported; an archive
// that expands a thousandfold refused.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ARCHIVE_MANIFEST } from '../../src/core/export/runArchive';
import { TarWriter } from '../../src/core/export/tarWriter';
import { importPaths } from '../../src/core/import/importPaths';
import { ingestAll } from '../../src/core/ingest';
import { listRuns } from '../../src/core/runQueries';
import { openIndex, type Store } from '../../src/core/store';
import { MLFLOW_RUNS, type MlflowRunSpec, writeMlflowDb, writeMlruns } from '../fixtures/import/mlflow';
import { event, eventFileName, writeEventFile } from '../fixtures/import/tensorboard';
import { tempRoot, type TempRoot } from './runFolders';

const W = 1_750_000_000;

function withWorkspace(fn: (tmp: TempRoot, store: Store) => Promise<void>): Promise<void> {
  const tmp = tempRoot('trackside-stores-');
  const store = openIndex(tmp.root);
  return fn(tmp, store).finally(() => {
    store.close();
    tmp.cleanup();
  });
}

function renamed(spec: MlflowRunSpec, prefix: string): MlflowRunSpec {
  return { ...spec, uuid: prefix + spec.uuid.slice(prefix.length), name: `${prefix}-${spec.name}` };
}

test('one import of a project root finds TensorBoard runs, an mlflow/ store beside them, a database two levels down and an archive; a link loop is passed by', () =>
  withWorkspace(async (tmp, store) => {
    const project = join(tmp.workspace, 'project');
    for (const name of ['a', 'b']) {
      mkdirSync(join(project, 'logs', name), { recursive: true });
      writeEventFile(join(project, 'logs', name, eventFileName(W, name === 'a' ? 1 : 2)), [event(W, 0, [{ tag: 'x', simple: 1 }])]);
    }
    writeMlruns(join(project, 'mlflow'));
    writeMlflowDb(join(project, 'deep', 'er', 'mlruns.db'), MLFLOW_RUNS.map((r) => renamed(r, 'db')));
    writeFileSync(join(project, 'deep', 'notes.sqlite'), 'not really');
    const archive = join(project, 'backup', 'runs.tar');
    mkdirSync(join(project, 'backup'));
    const tar = new TarWriter(archive, false);
    await tar.addBuffer(ARCHIVE_MANIFEST, Buffer.from(JSON.stringify({ format: 'trackside-archive', version: 1, runs: [], blobs: 0 })));
    await tar.addBuffer('runs/20240101-000000-abcdef/events.jsonl', Buffer.from(JSON.stringify({ t: 1, type: 'run', name: 'archived' }) + '\n'));
    await tar.close();
    symlinkSync(project, join(project, 'deep', 'loop'));
    const report = await importPaths(tmp.root, [project], { recentMs: 0 });
    assert.deepEqual([report.errors, report.warnings], [[], []]);
    const mlflow = MLFLOW_RUNS.filter((r) => r.lifecycle === 'active').map((r) => r.name);
    assert.deepEqual(
      report.imported.map((r) => `${r.format}:${r.name}`).sort(),
      ['archive:archived', ...mlflow.map((n) => `mlflow:${n}`), ...mlflow.map((n) => `mlflow:db-${n}`), 'tensorboard:logs/a', 'tensorboard:logs/b'].sort(),
    );
    assert.equal(report.skipped.length, 2); // the deleted MLflow run, in each store
    ingestAll(store);
    assert.equal(listRuns(store, {}).length, 7);
  }));

test('clear messages: a missing path, an empty or damaged database, an SQLite file that is not MLflow\'s, an unknown file', () =>
  withWorkspace(async (tmp) => {
    const empty = join(tmp.workspace, 'empty', 'mlflow.db');
    writeMlflowDb(empty, []);
    const damaged = join(tmp.workspace, 'damaged.db');
    const whole = join(tmp.workspace, 'whole', 'mlflow.db');
    writeMlflowDb(whole);
    writeFileSync(damaged, readFileSync(whole).subarray(0, 4096 + 100));
    const other = join(tmp.workspace, 'other.db');
    mkdirSync(join(tmp.workspace, 'x'));
    const db = openIndex(join(tmp.workspace, 'x'));
    db.close();
    writeFileSync(other, readFileSync(join(tmp.workspace, 'x', 'index.db')));
    const unknown = join(tmp.workspace, 'notes.bin');
    writeFileSync(unknown, Buffer.alloc(3000, 9));
    const missing = join(tmp.workspace, 'nope');
    const report = await importPaths(tmp.root, [missing, empty, damaged, other, unknown]);
    const messages = Object.fromEntries(report.errors.map((e) => [e.path, e.message]));
    assert.equal(messages[missing], 'no such file or folder');
    assert.equal(messages[empty], 'an MLflow database without runs: nothing to import');
    assert.match(messages[damaged], /^a damaged (MLflow database|or unreadable SQLite database) \(.+\)$/);
    assert.match(messages[other], /^an SQLite database, but not an MLflow store \(no experiments, metrics tables\)$/);
    assert.equal(messages[unknown], 'not a TensorBoard event file, MLflow database (mlflow.db) or Trackside archive');
    assert.equal(report.errors.length, 5);
  }));

/** A ustar header for a regular file. */
function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write(size.toString(8).padStart(11, '0') + '\0', 124);
  header.write('00000000000\0', 136);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('        ', 148);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return header;
}

test('a small .tar.gz that expands to far more than its size is refused, and nothing of it is kept', () =>
  withWorkspace(async (tmp) => {
    const bomb = join(tmp.workspace, 'bomb.tgz');
    const manifest = Buffer.from(JSON.stringify({ format: 'trackside-archive', version: 1, runs: [], blobs: 0 }));
    const size = 300 * 1024 * 1024;
    // gzip members may follow one another: the head, then one compressed MiB of zeros 300 times.
    const zeros = gzipSync(Buffer.alloc(1 << 20), { level: 9 });
    const head = gzipSync(Buffer.concat([tarHeader(ARCHIVE_MANIFEST, manifest.length), manifest, Buffer.alloc(512 - manifest.length), tarHeader('runs/20240101-000000-abcdef/events.jsonl', size)]));
    writeFileSync(bomb, Buffer.concat([head, ...Array.from({ length: size >> 20 }, () => zeros)]));
    assert.ok(statSync(bomb).size < 1024 * 1024);
    const report = await importPaths(tmp.root, [bomb]);
    assert.equal(report.errors.length, 1);
    assert.match(report.errors[0].message, /^expands to more than \d+ bytes from \d+ compressed; refused/);
    assert.deepEqual(report.imported, []);
    assert.deepEqual(readdirSync(join(tmp.root, 'runs')), []);
  }));
