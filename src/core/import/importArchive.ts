// Trackside archives (see ../export/runArchive.ts) back into a `.trackside` folder: runs keep
// their ids, and a run whose id is already there is left as it is (importing twice changes
// nothing). Every path is checked before anything is written: run files only under their run
// folder, blobs only under their own hash, and a blob whose content does not match its hash
// is refused. Runs are moved into place at the end, once their blobs are stored.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ARCHIVE_FORMAT, ARCHIVE_MANIFEST } from '../export/runArchive';
import { blobPath } from '../blobs';
import { isValidRunId, runDir, runsDir } from '../paths';
import { safeRelative } from '../safePaths';
import { type ImportOptions, type ImportReport, emptyImportReport } from './importTypes';
import { stagingName } from './importedRun';
import { TarFormatError, readTar } from './tarReader';

const RUN_FILE = /^runs\/([^/]+)\/(.+)$/;
const BLOB = /^blobs\/sha256\/([0-9a-f]{2})\/([0-9a-f]{62})$/;

async function writeStream(file: string, body: AsyncIterable<Buffer>, hash?: ReturnType<typeof createHash>): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const fh = await open(file, 'wx');
  try {
    for await (const chunk of body) {
      hash?.update(chunk);
      await fh.write(chunk);
    }
  } finally {
    await fh.close();
  }
}

export async function importArchive(root: string, path: string, opts: ImportOptions = {}, report: ImportReport = emptyImportReport()): Promise<ImportReport> {
  const staged = new Map<string, string>(); // run id → temporary folder
  const present = new Set<string>();
  let sawManifest = false;
  let entries = 0;
  mkdirSync(runsDir(root), { recursive: true });
  try {
    await readTar(path, async (entry, body) => {
      if (++entries % 200 === 0) {
        opts.signal?.throwIfAborted();
        opts.onProgress?.({ path, runs: report.imported.length, points: 0 });
      }
      if (!sawManifest) {
        if (entry.path !== ARCHIVE_MANIFEST) throw new TarFormatError('a tar archive, but not a Trackside archive');
        const chunks: Buffer[] = [];
        for await (const c of body) chunks.push(c);
        const manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { format?: string; version?: number };
        if (manifest.format !== ARCHIVE_FORMAT) throw new TarFormatError('a tar archive, but not a Trackside archive');
        sawManifest = true;
        return;
      }
      if (entry.type !== '0') return;
      const run = RUN_FILE.exec(entry.path);
      if (run) {
        const [, id, rel] = run;
        if (!isValidRunId(id) || safeRelative(rel) === undefined) {
          report.errors.push({ path: `${path}:${entry.path}`, message: 'unsafe path in archive; entry skipped' });
          return;
        }
        if (present.has(id)) return;
        if (!staged.has(id)) {
          if (existsSync(runDir(root, id))) {
            present.add(id);
            report.alreadyPresent.push({ id, origin: `archive:${id}` });
            return;
          }
          staged.set(id, join(runsDir(root), stagingName()));
        }
        await writeStream(join(staged.get(id) as string, ...rel.split('/')), body);
        return;
      }
      const blob = BLOB.exec(entry.path);
      if (blob) {
        const hash = blob[1] + blob[2];
        const final = blobPath(root, hash);
        if (existsSync(final)) return;
        const tmp = join(dirname(final), `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
        const h = createHash('sha256');
        try {
          await writeStream(tmp, body, h);
          if (h.digest('hex') !== hash) throw new Error('content does not match its hash; blob skipped');
          renameSync(tmp, final);
        } catch (e) {
          rmSync(tmp, { force: true });
          report.errors.push({ path: `${path}:${entry.path}`, message: (e as Error).message });
        }
        return;
      }
      // Anything else in the archive is not ours to write.
    });
    if (!sawManifest) throw new TarFormatError('an empty archive');
    for (const [id, tmp] of staged) {
      if (!existsSync(join(tmp, 'events.jsonl'))) {
        report.errors.push({ path: `${path}:runs/${id}`, message: 'run without events.jsonl; skipped' });
        rmSync(tmp, { recursive: true, force: true });
        continue;
      }
      // Marked as imported: its command, interpreter and cwd are another machine's, so the
      // editor never runs it again without showing that command first.
      writeFileSync(join(tmp, 'imported.json'), `${JSON.stringify({ from: `archive ${basename(path)}`, t: Date.now() })}\n`);
      try {
        renameSync(tmp, runDir(root, id));
      } catch {
        rmSync(tmp, { recursive: true, force: true });
        report.alreadyPresent.push({ id, origin: `archive:${id}` });
        continue;
      }
      report.imported.push({ id, name: runName(runDir(root, id)), format: 'archive', origin: `archive:${id}`, points: 0 });
    }
  } finally {
    for (const tmp of staged.values()) rmSync(tmp, { recursive: true, force: true });
  }
  return report;
}

/** The name the run's log gives it last (for the report). */
function runName(dir: string): string | null {
  let name: string | null = null;
  try {
    for (const line of readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n')) {
      if (!line.includes('"name"')) continue;
      try {
        const e = JSON.parse(line) as { type?: string; name?: unknown };
        if ((e.type === 'run' || e.type === 'rename') && typeof e.name === 'string') name = e.name;
      } catch {
        // skip
      }
    }
  } catch {
    // no log
  }
  return name;
}
