// Run folders are anyone's: an events.jsonl that is a directory, a FIFO, a device or a symlink
// loop is reported by path, and every other run is still ingested and listed.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ingestAll } from '../../src/core/ingest';
import { listRuns } from '../../src/core/runQueries';
import { openIndex } from '../../src/core/store';
import { append, makeRun, tempRoot, type TempRoot } from './runFolders';

const CLI = join(resolve(__dirname, '../..'), 'src/cli.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

const GOOD = '20240101-000000-good00';
const META_FIFO = '20240101-000001-metafifo';
const ODD = { dir: '20240102-000000-dir000', fifo: '20240102-000001-fifo00', loop: '20240102-000002-loop00', device: '20240102-000003-zero00' };

function cli(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.TRACKSIDE_HOME;
  // A hang is the failure this guards against: give up long before the test runner would.
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oddWorkspace(): { tmp: TempRoot; files: Record<keyof typeof ODD, string> } {
  const tmp = tempRoot('trackside-odd-');
  append(makeRun(tmp.root, GOOD), { t: 1_704_067_200_000, type: 'run', name: 'good' });
  const metaFifo = makeRun(tmp.root, META_FIFO);
  append(metaFifo, { t: 1_704_067_201_000, type: 'run', name: 'meta-fifo' });
  const fifo = (path: string): void => {
    rmSync(path, { force: true });
    execFileSync('mkfifo', [path]);
  };
  fifo(join(tmp.root, 'runs', META_FIFO, 'meta.json'));
  const files = {} as Record<keyof typeof ODD, string>;
  for (const [kind, id] of Object.entries(ODD) as [keyof typeof ODD, string][]) {
    const file = makeRun(tmp.root, id);
    rmSync(file);
    if (kind === 'dir') mkdirSync(file);
    if (kind === 'fifo') fifo(file);
    if (kind === 'loop') symlinkSync('events.jsonl', file);
    if (kind === 'device') symlinkSync('/dev/zero', file);
    files[kind] = file;
  }
  return { tmp, files };
}

test('ingest reads only regular files: odd event logs are reported by path, the other runs ingest', () => {
  const { tmp, files } = oddWorkspace();
  const store = openIndex(tmp.root);
  try {
    const report = ingestAll(store);
    assert.deepEqual(
      report.unreadable.map((u) => [u.id, u.file, u.message]),
      [
        [ODD.dir, files.dir, 'a directory, not a regular file'],
        [ODD.fifo, files.fifo, 'a FIFO, not a regular file'],
        [ODD.loop, files.loop, 'a symbolic link loop'],
        [ODD.device, files.device, 'a device, not a regular file'],
      ],
    );
    assert.deepEqual(listRuns(store).map((r) => r.name).sort(), ['good', 'meta-fifo']);
    // Every ingest says so again (nothing about them was indexed), and adds nothing.
    const again = ingestAll(store);
    assert.equal(again.unreadable.length, 4);
    assert.equal(listRuns(store).length, 2);
  } finally {
    store.close();
    tmp.cleanup();
  }
});

test('the CLI lists, shows and ingests around odd run folders, naming each file, exit code 0', () => {
  const { tmp, files } = oddWorkspace();
  try {
    const runs = cli(tmp.workspace, 'runs', '--json');
    assert.equal(runs.code, 0, runs.stderr);
    assert.deepEqual((JSON.parse(runs.stdout) as { name: string }[]).map((r) => r.name).sort(), ['good', 'meta-fifo']);
    for (const file of Object.values(files)) assert.ok(runs.stderr.includes(file), runs.stderr);
    assert.ok(runs.stderr.includes(`cannot read ${files.fifo}: a FIFO, not a regular file (run ${ODD.fifo} not updated)`), runs.stderr);

    assert.equal(cli(tmp.workspace, 'show', 'good').code, 0);
    const ingest = cli(tmp.workspace, 'ingest');
    assert.equal(ingest.code, 0, ingest.stderr);
    assert.match(ingest.stdout, /Could not read 4 run folder\(s\); the other runs are indexed:/);
    assert.ok(ingest.stdout.includes(`${files.loop}: a symbolic link loop`), ingest.stdout);
    const rebuilt = cli(tmp.workspace, 'rebuild', '--json');
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.equal((JSON.parse(rebuilt.stdout) as { unreadable: unknown[] }).unreadable.length, 4);

    // A run already indexed whose log turns odd keeps what the index has of it.
    rmSync(join(tmp.root, 'runs', GOOD, 'events.jsonl'));
    mkdirSync(join(tmp.root, 'runs', GOOD, 'events.jsonl'));
    const later = cli(tmp.workspace, 'runs', '--json');
    assert.equal(later.code, 0, later.stderr);
    assert.deepEqual((JSON.parse(later.stdout) as { name: string }[]).map((r) => r.name).sort(), ['good', 'meta-fifo']);
    assert.match(later.stderr, new RegExp(`a directory, not a regular file \\(run ${GOOD} not updated\\)`));
  } finally {
    tmp.cleanup();
  }
});
