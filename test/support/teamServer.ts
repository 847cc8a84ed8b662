// A team index for the Python client's tests: a throwaway cluster with the schema, a writer
// and a reader login and a blob folder, told as one JSON line on stdout; stopped and removed
// when stdin closes (or the parent dies).
import { READER, WRITER, startTeam } from '../unit/teamFixtures';

void (async () => {
  const team = await startTeam();
  const stop = (): void => void team.stop().then(() => process.exit(0));
  process.stdin.on('end', stop).on('close', stop).resume();
  process.stdout.write(JSON.stringify({ url: team.cluster.url(WRITER.user), password: WRITER.password, readerUrl: team.cluster.url(READER.user), readerPassword: READER.password, blobs: team.blobs }) + '\n');
})();
