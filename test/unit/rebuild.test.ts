import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { appendFileSync } from 'node:fs';
import { ingestAll } from '../../src/core/ingest';
import { rebuild } from '../../src/core/rebuild';
import { openIndex } from '../../src/core/store';
import { deleteRun, renameRun, setNote, tagRun } from '../../src/core/runEdits';
import { dumpIndex } from './indexDump';
import { makeRun, metricsLine, rng, tempRoot } from './runFolders';

const HASH = (c: string): string => c.repeat(64);

/** A realistic log: start, params, metrics (with rewrites and NaN), sys, files, bad lines, status. */
function runLog(seed: number): string {
  const random = rng(seed);
  const parts: string[] = [];
  const line = (o: object): number => parts.push(JSON.stringify(o) + '\n');
  line({ t: 1, type: 'run', name: `rün ${seed}`, experiment: seed % 2 ? 'odd' : 'even', command: ['python', 'train.py'], params: { lr: random(), seed } });
  line({ t: 2, type: 'status', status: 'running', exit_code: null });
  line({ t: 3, type: 'params', values: { 'opt/name': 'adam', 'opt/beta': 0.9 } });
  for (let i = 0; i < 600; i++) {
    const step = random() < 0.05 ? Math.floor(random() * i) : i;
    parts.push(metricsLine(10 + i, step, { loss: random() < 0.01 ? NaN : 1 / (i + 1), 'val/acc': random() }, Math.floor(i / 100)));
    if (i % 50 === 0) line({ t: 10 + i, type: 'sys', values: { cpu: random() * 100, 'gpu0/util': 'NaN' } });
    if (i % 97 === 0) parts.push('{"t": broken line\n');
    if (i === 300) line({ t: 400, type: 'tags', add: ['mid', 'temp'] });
    if (i === 400) line({ t: 500, type: 'tags', remove: ['temp'] });
  }
  line({ t: 700, type: 'artifact', name: 'model', kind: 'model', hash: HASH('a'), size: 5, files: [{ path: 'm.bin', hash: HASH('b'), size: 5 }] });
  line({ t: 701, type: 'image', key: 'confusion', step: 0, hash: HASH('c'), format: 'png', size: 10, width: 2, height: 2 });
  line({ t: 702, type: 'dataset', name: 'data', path: 'data/', hash: HASH('d'), size: 7, files: [{ path: 'x.csv', hash: HASH('e'), size: 7 }] });
  line({ t: 703, type: 'code', files: [{ path: 'train.py', hash: HASH('f'), size: 1 }], root: '/w' });
  line({ t: 800, type: 'status', status: seed % 3 ? 'finished' : 'failed', exit_code: seed % 3 ? 0 : 1, error: seed % 3 ? undefined : 'Trace' });
  return parts.join('');
}

test('rebuild from the folders equals ingest done incrementally in many small pieces', () => {
  const tmp = tempRoot();
  try {
    const store = openIndex(tmp.root);
    const random = rng(99);
    const logs = [1, 2, 3, 4].map((seed) => ({ id: `20240101-00000${seed}-abcdef`, bytes: Buffer.from(runLog(seed)), at: 0 }));
    for (const l of logs) makeRun(tmp.root, l.id, 1_700_000_000_000 + l.bytes.length);
    // Append each log in random-sized pieces (cutting lines and UTF-8 characters) and ingest
    // after every round, with small read chunks.
    while (logs.some((l) => l.at < l.bytes.length)) {
      for (const l of logs) {
        const n = Math.min(l.bytes.length - l.at, 1 + Math.floor(random() * 9000));
        appendFileSync(`${tmp.root}/runs/${l.id}/events.jsonl`, l.bytes.subarray(l.at, l.at + n));
        l.at += n;
      }
      ingestAll(store, { chunkBytes: 1 + Math.floor(random() * 4096) });
    }
    // Edits made from the editor go through the log too.
    renameRun(store, logs[0].id, 'renamed');
    tagRun(store, logs[1].id, ['best']);
    setNote(store, logs[2].id, 'note');
    deleteRun(store, logs[3].id);
    const incremental = dumpIndex(store);
    store.close();

    assert.equal(incremental.runs.length, 4);
    assert.ok(incremental.points.length > 4 * 1000);
    assert.ok(incremental.badLines.length > 0);

    const report = rebuild(tmp.root);
    assert.equal(report.runsSeen, 4);
    assert.equal(report.runsChanged.length, 4);
    const again = openIndex(tmp.root);
    const rebuilt = dumpIndex(again);
    again.close();
    for (const table of Object.keys(incremental)) assert.deepEqual(rebuilt[table], incremental[table], table);
  } finally {
    tmp.cleanup();
  }
});
