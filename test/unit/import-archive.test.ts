// Hostile or damaged archives: names that try to leave the run folder or the blob store, a blob
// whose bytes do not match its name, links, and files that are not Trackside archives.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ARCHIVE_MANIFEST } from '../../src/core/export/runArchive';
import { TarWriter } from '../../src/core/export/tarWriter';
import { importPaths } from '../../src/core/import/importPaths';
import { blobPath } from '../../src/core/blobs';
import { tempRoot } from './runFolders';

const MANIFEST = Buffer.from(JSON.stringify({ format: 'trackside-archive', version: 1, runs: [], blobs: 0 }));
const EVENTS = Buffer.from(JSON.stringify({ t: 1, type: 'run', name: 'ok' }) + '\n');

async function archive(file: string, entries: [string, Buffer][], manifest = true): Promise<void> {
  const tar = new TarWriter(file, false);
  if (manifest) await tar.addBuffer(ARCHIVE_MANIFEST, MANIFEST);
  for (const [name, data] of entries) await tar.addBuffer(name, data);
  await tar.close();
}

/** A ustar header for a symbolic link (TarWriter writes regular files only). */
function linkHeader(name: string, target: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000777\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write('00000000000\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('2', 156);
  h.write(target, 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

test('names that leave the run folder or the store are refused; the rest of the archive is imported', async () => {
  const tmp = tempRoot('trackside-hostile-');
  try {
    const good = '20250101-000000-aaaaaa';
    const blob = Buffer.from('real blob');
    const hash = createHash('sha256').update(blob).digest('hex');
    const file = join(tmp.workspace, 'evil.tar');
    await archive(file, [
      [`runs/${good}/events.jsonl`, EVENTS],
      [`runs/${good}/../../../escaped-1`, Buffer.from('x')],
      [`runs/${good}/files/./escaped-2`, Buffer.from('x')],
      ['runs/../escaped-3/events.jsonl', Buffer.from('x')],
      ['runs/.hidden/events.jsonl', Buffer.from('x')],
      [`/tmp/escaped-4`, Buffer.from('x')],
      [`runs/${good}\\..\\..\\escaped-5`, Buffer.from('x')],
      ['blobs/sha256/../../escaped-6', Buffer.from('x')],
      [`blobs/sha256/${hash.slice(0, 2)}/${hash.slice(2)}`, blob],
      [`blobs/sha256/${'a'.repeat(2)}/${'b'.repeat(62)}`, Buffer.from('does not hash to its name')],
      ['index.db', Buffer.from('not ours')],
    ]);
    // A link entry pointing out of the workspace, appended before the closing blocks.
    const bytes = readFileSync(file);
    writeFileSync(file, Buffer.concat([bytes.subarray(0, bytes.length - 1024), linkHeader(`runs/${good}/files/link`, '/etc/passwd'), bytes.subarray(bytes.length - 1024)]));
    const report = await importPaths(tmp.root, [file]);
    assert.deepEqual(report.imported.map((r) => r.id), [good]);
    assert.equal(report.errors.filter((e) => e.message.includes('unsafe path')).length, 4);
    assert.ok(report.errors.some((e) => e.message.includes('does not match its hash')));
    assert.equal(readFileSync(blobPath(tmp.root, hash), 'utf8'), 'real blob');
    assert.ok(!existsSync(blobPath(tmp.root, 'a'.repeat(64).slice(0, 2) + 'b'.repeat(62))));
    assert.deepEqual(readdirSync(join(tmp.root, 'runs', good)).sort(), ['events.jsonl', 'imported.json']);
    assert.ok(!existsSync(join(tmp.root, 'index.db')));
    const everything = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? everything(join(dir, d.name)) : [d.name]));
    assert.ok(!everything(tmp.workspace).some((n) => n.startsWith('escaped')));
    assert.ok(!existsSync('/tmp/escaped-4'));
    assert.deepEqual(readdirSync(join(tmp.root, 'runs')), [good]);
  } finally {
    tmp.cleanup();
  }
});

test('not an archive, a tar without the manifest, a truncated archive', async () => {
  const tmp = tempRoot('trackside-hostile-');
  try {
    const plain = join(tmp.workspace, 'other.tar');
    await archive(plain, [['readme.txt', Buffer.from('hi')]], false);
    const junk = join(tmp.workspace, 'junk.bin');
    writeFileSync(junk, Buffer.alloc(2000, 7));
    const cut = join(tmp.workspace, 'cut.tar');
    await archive(cut, [['runs/20250101-000000-cccccc/events.jsonl', Buffer.alloc(4000, 0x20)]]);
    writeFileSync(cut, readFileSync(cut).subarray(0, 2048));
    appendFileSync(cut, Buffer.alloc(0));
    const report = await importPaths(tmp.root, [plain, junk, cut]);
    assert.deepEqual(report.imported, []);
    assert.deepEqual(
      report.errors.map((e) => [e.path, e.message]),
      [
        [plain, 'a tar archive, but not a Trackside archive'],
        [junk, 'not a TensorBoard event file, MLflow database (mlflow.db) or Trackside archive'],
        [cut, 'archive ends in the middle of an entry'],
      ],
    );
    assert.deepEqual(readdirSync(join(tmp.root, 'runs')), []);
  } finally {
    tmp.cleanup();
  }
});
