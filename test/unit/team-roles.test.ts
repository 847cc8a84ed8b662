// Who may do what, enforced by PostgreSQL itself: a trackside_reader reads and every write
// of it is refused by the server (also when no Trackside check stands in the way); a
// trackside_writer pushes but cannot change the schema; team init needs an administrator.
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { ingestAll } from '../../src/core/ingest';
import { openIndex, type Store } from '../../src/core/store';
import { TeamError } from '../../src/core/team/teamErrors';
import { initTeam } from '../../src/core/team/teamInit';
import { pushRuns } from '../../src/core/team/teamPush';
import { foldEvents } from '../../src/core/team/teamFold';
import { writeFolded } from '../../src/core/team/teamWrite';
import { tempRoot, type TempRoot } from './runFolders';
import { READER, type Team, WRITER, richRun, startTeam } from './teamFixtures';

const ID = '20240501-000000-0f0f0f';
let team: Team;
let ws: TempRoot;
let store: Store;

before(async () => {
  team = await startTeam();
  ws = tempRoot('trackside-team-roles-');
  await richRun(ws.root, ID);
  store = openIndex(ws.root);
  ingestAll(store);
  await pushRuns(team.as(WRITER), { store });
});

after(async () => {
  store.close();
  ws.cleanup();
  await team.stop();
});

const asReader = (sql: string): string => team.cluster.psql(sql, { user: READER.user, password: READER.password });
const asWriter = (sql: string): string => team.cluster.psql(sql, { user: WRITER.user, password: WRITER.password });

test('a reader reads every table', () => {
  assert.equal(asReader(`SELECT count(*) FROM trackside.runs WHERE id = '${ID}'`), '1');
  for (const table of ['params', 'points', 'summaries', 'lod', 'tags', 'artifacts', 'images', 'datasets', 'code_files', 'model_versions', 'model_aliases', 'checkpoints', 'migrations']) {
    asReader(`SELECT count(*) FROM trackside.${table}`);
  }
});

test("every write of a reader is refused by PostgreSQL (permission denied), whatever the statement", () => {
  const writes = [
    "INSERT INTO trackside.runs (id, pushed_by, pushed_host) VALUES ('x', 'x', 'x')",
    "UPDATE trackside.runs SET name = 'hacked'",
    'DELETE FROM trackside.points',
    "INSERT INTO trackside.metric_keys (key) VALUES ('k')",
    'TRUNCATE trackside.tags',
    "SELECT nextval('trackside.changes')",
    'CREATE TABLE trackside.mine (x int)',
    'DROP TABLE trackside.lod',
    'ALTER TABLE trackside.runs ADD COLUMN x int',
    'DELETE FROM trackside.migrations',
  ];
  for (const sql of writes) assert.throws(() => asReader(sql), /permission denied|must be owner/, sql);
  assert.equal(asReader(`SELECT name FROM trackside.runs WHERE id = '${ID}'`), `renamed ${ID}`);
});

test('a reader pushing is told plainly, before anything is sent; written around that check, the server refuses it', async () => {
  const reader = team.as(READER);
  await assert.rejects(pushRuns(reader, { store }), (e: unknown) => e instanceof TeamError && e.kind === 'readOnly' && /only read \(trackside_reader\)/.test(e.message));
  const folded = foldEvents([{ t: 1, type: 'note', text: 'sneaky' }], [1], { started: 1, source: null, updated: 1, sysSamples: 0 }, new Map(), () => 0);
  const rid = (await reader.query<{ rid: number }>('SELECT rid FROM trackside.runs WHERE id = $1', [ID]))[0].rid;
  await assert.rejects(
    reader.tx((c) => writeFolded(c, rid, folded, new Map(), { offset: 1, lines: 1, badBefore: 0, bad: [] }), true),
    (e: unknown) => e instanceof TeamError && e.kind === 'readOnly',
  );
  assert.equal(asReader(`SELECT coalesce(note, '') FROM trackside.runs WHERE id = '${ID}'`), 'first try\nsecond line');
});

test('a writer pushes but cannot change the schema or its migrations; team init needs an administrator', async () => {
  asWriter(`UPDATE trackside.runs SET pushed_at = now() WHERE id = '${ID}'`);
  for (const sql of ['DROP TABLE trackside.points', 'ALTER TABLE trackside.runs DROP COLUMN note', 'CREATE TABLE trackside.mine (x int)', 'DELETE FROM trackside.migrations', 'INSERT INTO trackside.migrations (version) VALUES (99)']) {
    assert.throws(() => asWriter(sql), /permission denied|must be owner/, sql);
  }
  await assert.rejects(initTeam(team.as(WRITER)), (e: unknown) => e instanceof TeamError && /needs a user that may create schemas and roles/.test(e.message));
});
