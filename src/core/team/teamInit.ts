// trackside team init: the schema (migrated to this Trackside's version) and the two group
// roles, run once by an administrator. trackside_reader may read every table; trackside_writer
// may also push. Neither may change the schema: PostgreSQL refuses it for them.
import type { TeamDb } from './teamDb';
import { TeamError } from './teamErrors';
import { READER_ROLE, TEAM_MIGRATIONS, TEAM_SCHEMA_VERSION, WRITER_ROLE } from './teamSchema';

export interface InitReport {
  /** Schema version before and after. */
  from: number;
  to: number;
  /** Roles made by this run (existing ones are kept as they are). */
  rolesCreated: string[];
}

const GRANTS = [
  `GRANT USAGE ON SCHEMA trackside TO ${READER_ROLE}, ${WRITER_ROLE}`,
  `GRANT SELECT ON ALL TABLES IN SCHEMA trackside TO ${READER_ROLE}`,
  `GRANT SELECT ON ALL SEQUENCES IN SCHEMA trackside TO ${READER_ROLE}`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA trackside TO ${WRITER_ROLE}`,
  `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA trackside TO ${WRITER_ROLE}`,
  `REVOKE INSERT, UPDATE, DELETE ON trackside.migrations FROM ${WRITER_ROLE}`,
];

export async function initTeam(db: TeamDb): Promise<InitReport> {
  try {
    return await db.tx(async (c) => {
      // One init at a time, whoever else runs it.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('trackside team init'))");
      await c.query('CREATE SCHEMA IF NOT EXISTS trackside');
      await c.query('CREATE TABLE IF NOT EXISTS trackside.migrations (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())');
      const from = (await c.query<{ v: number | null }>('SELECT max(version)::int AS v FROM trackside.migrations')).rows[0].v ?? 0;
      if (from > TEAM_SCHEMA_VERSION) {
        throw new TeamError('newSchema', `the team index at ${db.target.text} has schema version ${from}, newer than this Trackside's ${TEAM_SCHEMA_VERSION}: update Trackside`);
      }
      const rolesCreated: string[] = [];
      for (const role of [READER_ROLE, WRITER_ROLE]) {
        const exists = (await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount;
        if (!exists) {
          await c.query(`CREATE ROLE ${role} NOLOGIN`);
          rolesCreated.push(role);
        }
      }
      for (let v = from; v < TEAM_SCHEMA_VERSION; v++) {
        await c.query(TEAM_MIGRATIONS[v]);
        await c.query('INSERT INTO trackside.migrations (version) VALUES ($1)', [v + 1]);
      }
      for (const g of GRANTS) await c.query(g);
      return { from, to: TEAM_SCHEMA_VERSION, rolesCreated };
    }, true);
  } catch (e) {
    if (e instanceof TeamError && e.kind === 'readOnly') {
      throw new TeamError('readOnly', `trackside team init needs a user that may create schemas and roles in ${db.target.database} (an administrator); ${db.target.user} may not`);
    }
    throw e;
  }
}
