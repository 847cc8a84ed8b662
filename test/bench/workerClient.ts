// The index worker as the extension starts it (dist/indexWorker.js, `npm run build`), through the
// extension's own client; `ingested` hears of the runs it read, nothing else is listened to.
import { join, resolve } from 'node:path';
import { IndexClient } from '../../src/host/indexClient';
import type { IngestNotice } from '../../src/protocol/indexWorker';

const REPO = resolve(__dirname, '../..');

export function workerClient(root: string, ingested: (n: IngestNotice) => void = () => undefined): IndexClient {
  const quiet = () => undefined;
  return new IndexClient(join(REPO, 'dist', 'indexWorker.js'), { root, engine: 'auto' }, { ingested, models: quiet, reading: quiet, log: quiet, engine: quiet });
}
