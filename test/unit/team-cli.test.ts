// The command line against a real team index: push, runs --team, show --team and model
// fetch --team (from a folder without .trackside), team init / status, the password from
// PGPASSWORD or ~/.pgpass, and plain errors that never show a password.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { claimVersion, writeAlias } from '../../src/core/models/registryWrite';
import { verifyFetched } from '../../src/core/models/fetchModel';
import { listModels, listVersions } from '../../src/core/models/modelQueries';
import { syncModels } from '../../src/core/models/modelSync';
import { ingestAll } from '../../src/core/ingest';
import { openIndex } from '../../src/core/store';
import { openTeam } from '../../src/core/team/teamDb';
import { listTeamModels, listTeamVersions } from '../../src/core/team/teamModels';
import { TEAM_SCHEMA_VERSION } from '../../src/core/team/teamSchema';
import { ADMIN_PASSWORD } from '../support/pgCluster';
import { tempRoot, type TempRoot } from './runFolders';
import { READER, type Team, WRITER, richRun, startTeam } from './teamFixtures';

const REPO = resolve(__dirname, '../..');
const CLI = join(REPO, 'src/cli.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const A = '20240101-000000-aaaaaa';
const B = '20240102-000000-bbbbbb';

let team: Team;
let ws: TempRoot;
let elsewhere: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(cwd: string, env: Record<string, string | undefined>, ...args: string[]): Result {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['TRACKSIDE_HOME', 'PGPASSWORD', 'TRACKSIDE_TEAM_URL', 'TRACKSIDE_TEAM_BLOBS', 'PGUSER', 'PGHOST', 'PGPORT', 'PGDATABASE']) delete base[k];
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env: { ...base, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function as(who: { user: string; password: string }): Record<string, string> {
  return { TRACKSIDE_TEAM_URL: team.cluster.url(who.user), PGPASSWORD: who.password, TRACKSIDE_TEAM_BLOBS: team.blobs };
}

before(async () => {
  team = await startTeam();
  ws = tempRoot('trackside-team-cli-');
  await richRun(ws.root, A);
  await richRun(ws.root, B, { experiment: 'vision', name: 'other' });
  const art = JSON.parse(readFileSync(join(ws.root, 'runs', A, 'events.jsonl'), 'utf8').split('\n').find((l) => l.includes('"model.pt"'))!) as { hash: string; size: number };
  const code = JSON.parse(readFileSync(join(ws.root, 'runs', A, 'events.jsonl'), 'utf8').split('\n').find((l) => l.includes('"type":"code"'))!) as { files: { path: string; hash: string; size: number }[] };
  const v = claimVersion(ws.root, { t: 1_704_067_300_000, type: 'model', name: 'churn', hash: art.hash, size: art.size, weights: 'model.pt', code: code.files, run: A });
  writeAlias(ws.root, 'churn', 'production', v);
  elsewhere = mkdtempSync(join(tmpdir(), 'trackside-team-elsewhere-'));
});

after(async () => {
  ws.cleanup();
  rmSync(elsewhere, { recursive: true, force: true });
  await team.stop();
});

function strip<T extends Record<string, unknown>>(x: T): Omit<T, 'pushedBy' | 'pushedHost'> {
  const { pushedBy: _a, pushedHost: _b, ...rest } = x;
  return rest;
}

test('push sends the runs, their blobs and the model registry; a second push sends nothing', () => {
  const first = cli(ws.workspace, as(WRITER), 'push');
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^Pushed 2 run\(s\) \(\d+ event\(s\), \d+ metric point\(s\), 13 blob\(s\)\) to alice@127\.0\.0\.1:\d+\/team; 0 already there\./);
  assert.match(first.stdout, /Models: 1 version\(s\), 1 alias move\(s\)/);
  const second = cli(ws.workspace, as(WRITER), 'push', '--json');
  assert.equal(second.code, 0, second.stderr);
  const report = JSON.parse(second.stdout) as { pushed: unknown[]; unchanged: number; blobs: { copied: number } };
  assert.deepEqual([report.pushed.length, report.unchanged, report.blobs.copied], [0, 2, 0]);
});

test('runs --team and show --team read the team index from a folder without .trackside, as the local ones read', () => {
  const local = JSON.parse(cli(ws.workspace, {}, 'runs', '--json').stdout) as Record<string, unknown>[];
  const r = cli(elsewhere, as(READER), 'runs', '--team', '--json');
  assert.equal(r.code, 0, r.stderr);
  const got = JSON.parse(r.stdout) as Record<string, unknown>[];
  // Who pushed: the OS user (the database user is alice).
  assert.deepEqual(got.map((x) => x.pushedBy), [userInfo().username, userInfo().username]);
  assert.deepEqual(got.map(strip), local);

  const where = cli(elsewhere, as(READER), 'runs', '--team', '--where', 'experiment = vision and metrics.loss.min < 0', '--json');
  assert.deepEqual((JSON.parse(where.stdout) as { id: string }[]).map((x) => x.id), [B]);
  const text = cli(elsewhere, as(READER), 'runs', '--team');
  assert.match(text.stdout, /^ID\s+NAME\s+EXPERIMENT\s+STATUS/);
  assert.match(text.stdout, /renamed 20240101-000000-aaaaaa\s+mnist\s+finished/);

  const showLocal = JSON.parse(cli(ws.workspace, {}, 'show', A, '--json').stdout) as Record<string, unknown>;
  const show = cli(elsewhere, as(READER), 'show', 'renamed 20240101-000000-aaaaaa', '--team', '--json');
  assert.equal(show.code, 0, show.stderr);
  assert.deepEqual(strip(JSON.parse(show.stdout) as Record<string, unknown>), showLocal);
  const showText = cli(elsewhere, as(READER), 'show', '20240102', '--team');
  assert.match(showText.stdout, new RegExp(`Pushed by:\\s+${userInfo().username}@`));
  const bad = cli(elsewhere, as(READER), 'runs', '--team', '--where', 'params.lr >');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected a value/);
});

test('model fetch --team writes the version from the team folder, every file verified', () => {
  const dir = join(elsewhere, 'deploy');
  const r = cli(elsewhere, as(READER), 'model', 'fetch', 'churn@production', '--team', '--to', dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Fetched churn v1 \(run 20240101-000000-aaaaaa\) from bob@/);
  assert.deepEqual(verifyFetched(dir), []);
  assert.equal(readFileSync(join(dir, 'weights', 'model.pt'), 'utf8'), `weights of ${A}`);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { aliases: string[]; run: string };
  assert.deepEqual(manifest.aliases, ['latest', 'production']);
  const missing = cli(elsewhere, as(READER), 'model', 'fetch', 'churn@staging', '--team', '--to', dir);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no alias "staging"/);
});

test("the Models view's team registry: the local models and versions with their aliases, and who pushed them, for a reader", async () => {
  const db = openTeam({ url: team.cluster.url(READER.user), password: READER.password });
  const store = openIndex(ws.root);
  try {
    ingestAll(store);
    syncModels(store);
    assert.deepEqual(await listTeamModels(db), listModels(store));
    const versions = await listTeamVersions(db, 'churn');
    assert.deepEqual(
      versions.map(({ pushedBy, ...v }) => [v, pushedBy]),
      listVersions(store, 'churn').map((v) => [v, userInfo().username]),
    );
    assert.deepEqual(await listTeamVersions(db, 'nope'), []);
  } finally {
    store.close();
    await db.close();
  }
});

test('team status says who may do what; team init again changes nothing', () => {
  const s = cli(elsewhere, as(READER), 'team', 'status');
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /bob may read only\.\n2 run\(s\) from 1 person\(s\)/);
  const w = cli(elsewhere, as(WRITER), 'team', 'status');
  assert.match(w.stdout, /alice may push and read/);
  const init = cli(elsewhere, { ...as({ user: 'trackside_admin', password: ADMIN_PASSWORD }) }, 'team', 'init');
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, new RegExp(`schema version ${TEAM_SCHEMA_VERSION} already`));
});

test('the password may come from ~/.pgpass', () => {
  const home = mkdtempSync(join(tmpdir(), 'trackside-home-'));
  try {
    writeFileSync(join(home, '.pgpass'), `127.0.0.1:${team.cluster.port}:team:${READER.user}:${READER.password}\n`);
    chmodSync(join(home, '.pgpass'), 0o600);
    const r = cli(elsewhere, { HOME: home, TRACKSIDE_TEAM_URL: team.cluster.url(READER.user) }, 'runs', '--team', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as unknown[]).length, 2);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('plain errors: unreachable server, wrong or no password, no schema, a reader pushing, a password in the URL; none shows a password', () => {
  const secret = 'Sup3rSecretPw';
  const check = (r: Result, pattern: RegExp): void => {
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, pattern);
    assert.ok(!(r.stdout + r.stderr).includes(secret), r.stderr);
    assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace: ${r.stderr}`);
  };
  const closed = 'postgres://alice@127.0.0.1:1/team';
  check(cli(elsewhere, { TRACKSIDE_TEAM_URL: closed, PGPASSWORD: secret }, 'runs', '--team'), /cannot reach the team index at alice@127\.0\.0\.1:1\/team \(ECONNREFUSED\)/);
  check(cli(elsewhere, { TRACKSIDE_TEAM_URL: team.cluster.url('alice'), PGPASSWORD: secret }, 'runs', '--team'), /refused the login \(wrong password or unknown user\)/);
  check(cli(elsewhere, { TRACKSIDE_TEAM_URL: team.cluster.url('alice'), HOME: elsewhere }, 'runs', '--team'), /asks for a password and none was given/);
  team.cluster.psql('CREATE DATABASE empty');
  check(cli(elsewhere, { TRACKSIDE_TEAM_URL: team.cluster.url('trackside_admin', 'empty'), PGPASSWORD: ADMIN_PASSWORD }, 'runs', '--team'), /has no Trackside schema yet: run "trackside team init"/);
  check(cli(ws.workspace, as(READER), 'push'), /lets this user only read \(trackside_reader\): an administrator can GRANT trackside_writer TO bob/);
  check(cli(elsewhere, { TRACKSIDE_TEAM_URL: `postgres://alice:${secret}@127.0.0.1:${team.cluster.port}/team` }, 'runs', '--team'), /holds a password: remove it/);
  check(cli(elsewhere, {}, 'runs', '--team'), /no team index configured: set TRACKSIDE_TEAM_URL/);
  const noBlobs = cli(ws.workspace, { TRACKSIDE_TEAM_URL: team.cluster.url('alice'), PGPASSWORD: WRITER.password }, 'push');
  check(noBlobs, /no team blob folder configured/);
});
