// A pushing client in its own process, for tests that kill it or restart the server under
// it: pushes the workspace `argv[2]` (.trackside folder) in chunks of `argv[3]` bytes to
// TRACKSIDE_TEAM_URL / TRACKSIDE_TEAM_BLOBS, prints the report (or the error) as JSON.
import { ingestAll } from '../../src/core/ingest';
import { openIndex } from '../../src/core/store';
import { teamConfigFromEnv } from '../../src/core/team/teamConfig';
import { openTeam } from '../../src/core/team/teamDb';
import { TeamError } from '../../src/core/team/teamErrors';
import { pushRuns } from '../../src/core/team/teamPush';

async function main(): Promise<void> {
  const store = openIndex(process.argv[2]);
  ingestAll(store);
  const db = openTeam(teamConfigFromEnv());
  try {
    const report = await pushRuns(db, { store, chunkBytes: Number(process.argv[3]) });
    process.stdout.write(JSON.stringify(report) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: e instanceof TeamError ? e.kind : 'other', message: (e as Error).message }) + '\n');
    process.exitCode = 1;
  } finally {
    await db.close();
    store.close();
  }
}

void main();
