// TensorBoard import from event files built byte by byte per TensorFlow's formats
// (test/fixtures/import/tensorboard.ts): TFRecord framing with both checksums checked, Event
// protocol buffers, TF1 and TF2 scalars, hparams sessions, bad records reported and skipped.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32c, maskedCrc32c } from '../../src/core/import/crc32c';
import { importPaths } from '../../src/core/import/importPaths';
import { ingestAll } from '../../src/core/ingest';
import { points } from '../../src/core/metricQueries';
import { compileQuery } from '../../src/core/query/compile';
import { getRun, listRuns } from '../../src/core/runQueries';
import { openIndex, type Store } from '../../src/core/store';
import {
  DT_DOUBLE,
  DT_STRING,
  event,
  eventFileName,
  hparamsExperiment,
  metadata,
  sessionEnd,
  sessionStart,
  tensor,
  tf2Scalar,
  tfRecord,
  writeEventFile,
} from '../fixtures/import/tensorboard';
import { tempRoot, type TempRoot } from './runFolders';

const W = 1_750_000_000; // wall time, seconds

function withWorkspace(fn: (tmp: TempRoot, store: Store) => Promise<void>): Promise<void> {
  const tmp = tempRoot('trackside-tb-');
  const store = openIndex(tmp.root);
  return fn(tmp, store).finally(() => {
    store.close();
    tmp.cleanup();
  });
}

/** CRC-32C one bit at a time, straight from the definition (reflected polynomial 0x82F63B78). */
function bitwiseCrc32c(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

test('CRC-32C matches the standard check values and a bitwise reference; the mask is TFRecord\'s', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43); // and of ones
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 131 + 7) & 0xff));
  for (const n of [0, 1, 7, 8, 9, 63, 64, 65, 999, 1000]) assert.equal(crc32c(data.subarray(0, n)), bitwiseCrc32c(data.subarray(0, n)), `length ${n}`);
  assert.equal(crc32c(data, 3, 500), bitwiseCrc32c(data.subarray(3, 500)));
  const c = crc32c(Buffer.from('abc'));
  assert.equal(maskedCrc32c(Buffer.from('abc')), ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) % 2 ** 32);
});

test('TF1 and TF2 scalars become metrics; images, histograms and text are left out', () =>
  withWorkspace(async (tmp, store) => {
    const logs = join(tmp.workspace, 'logs', 'run1');
    mkdirSync(logs, { recursive: true });
    const records = [event(W, 0, [], 'brain.Event:2')];
    for (let step = 0; step < 5; step++) {
      const t = W + step;
      records.push(
        event(t, step, [{ tag: 'tf1/loss', simple: 1 / (step + 1) }]),
        event(t + 0.0001, step, [tf2Scalar('train/acc', step / 10, step === 0)]),
        event(t + 0.0002, step, [tf2Scalar('lr', 0.5 ** step, step === 0, step % 2 ? 'floats' : 'double')]),
        event(t + 0.0003, step, [{ tag: 'images/x', metadata: step === 0 ? metadata('images') : undefined, tensor: tensor(DT_STRING, [3], { strings: ['2', '2', 'png'] }) }]),
        event(t + 0.0004, step, [{ tag: 'weights', metadata: step === 0 ? metadata('histograms') : undefined, tensor: tensor(DT_DOUBLE, [2, 3], { doubles: [0, 1, 2, 1, 2, 3] }) }]),
        // A one-number tensor from a non-scalars plugin (a text summary's length, say): not a metric.
        event(t + 0.0005, step, [{ tag: 'notes', metadata: step === 0 ? metadata('text') : undefined, tensor: tensor(DT_DOUBLE, [], { doubles: [7] }) }]),
      );
    }
    records.push(event(W + 5, 5, [{ tag: 'tf1/loss', simple: Number.NaN }]));
    writeEventFile(join(logs, eventFileName(W)), records);
    // recentMs 0: files written just now count as finished, not as still being written.
    const report = await importPaths(tmp.root, [join(tmp.workspace, 'logs')], { recentMs: 0 });
    assert.deepEqual(report.errors, []);
    assert.equal(report.imported.length, 1);
    assert.equal(report.points, 16);
    ingestAll(store);
    const [run] = listRuns(store, {});
    assert.equal(run.name, 'run1');
    assert.equal(run.experiment, 'logs');
    assert.equal(run.status, 'finished');
    assert.equal(run.source, 'import');
    assert.equal(run.started, W * 1000);
    const detail = getRun(store, run.id);
    assert.deepEqual(detail?.metrics.map((m) => [m.key, m.count]), [['lr', 5], ['tf1/loss', 6], ['train/acc', 5]]);
    const loss = points(store, run.id, 'tf1/loss');
    assert.deepEqual([...loss.steps], [0, 1, 2, 3, 4, 5]);
    assert.ok(Math.abs(loss.values[2] - 1 / 3) < 1e-7);
    assert.ok(Number.isNaN(loss.values[5]));
    assert.deepEqual([...points(store, run.id, 'lr').values], [1, 0.5, 0.25, 0.125, 0.0625]);
    assert.equal(points(store, run.id, 'train/acc').t[1], Math.round((W + 1.0001) * 1000));
  }));

test('an hparams session is one run: its params, its end status, and the train/ and validation/ folders below it', () =>
  withWorkspace(async (tmp, store) => {
    const logs = join(tmp.workspace, 'hp');
    mkdirSync(logs, { recursive: true });
    // The experiment summary above the trials is not a session.
    writeEventFile(join(logs, eventFileName(W, 9)), [event(W, 0, [], 'brain.Event:2'), event(W, 0, [hparamsExperiment()])]);
    const trials = [
      { dir: 'trial-0', lr: 0.1, opt: 'adam', status: 1 },
      { dir: 'trial-1', lr: 0.01, opt: 'sgd', status: 2 },
    ];
    trials.forEach((trial, i) => {
      const dir = join(logs, trial.dir);
      mkdirSync(join(dir, 'train'), { recursive: true });
      mkdirSync(join(dir, 'validation'), { recursive: true });
      const t0 = W + 100 * i;
      writeEventFile(join(dir, eventFileName(t0, i)), [
        event(t0, 0, [], 'brain.Event:2'),
        event(t0, 0, [sessionStart({ lr: trial.lr, optimizer: trial.opt, augment: true }, t0)]),
        event(t0 + 50, 0, [sessionEnd(trial.status, t0 + 50)]),
      ]);
      for (const part of ['train', 'validation']) {
        writeEventFile(join(dir, part, eventFileName(t0, 10 + i)), [
          event(t0, 0, [], 'brain.Event:2'),
          ...[0, 1, 2].map((epoch) => event(t0 + 10 * epoch + (part === 'train' ? 1 : 2), epoch, [tf2Scalar('epoch_loss', 1 - epoch / 10 - i, epoch === 0)])),
        ]);
      }
    });
    const report = await importPaths(tmp.root, [logs], { experiment: 'sweep', recentMs: 0 });
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.imported.map((r) => r.name).sort(), ['trial-0', 'trial-1']);
    ingestAll(store);
    const runs = listRuns(store, { order: { by: 'name' } });
    assert.deepEqual(runs.map((r) => [r.name, r.experiment, r.status]), [
      ['trial-0', 'sweep', 'finished'],
      ['trial-1', 'sweep', 'failed'],
    ]);
    const first = getRun(store, runs[0].id);
    assert.deepEqual(first?.params, { augment: true, lr: 0.1, optimizer: 'adam' });
    assert.deepEqual(first?.metrics.map((m) => [m.key, m.count]), [['train/epoch_loss', 3], ['validation/epoch_loss', 3]]);
    assert.equal(first?.ended, (W + 50) * 1000);
    const found = listRuns(store, { where: compileQuery('params.optimizer = sgd and metrics.validation/epoch_loss.min < 0') });
    assert.deepEqual(found.map((r) => r.name), ['trial-1']);
  }));

test('importing the same logs again adds nothing; a new run is added', () =>
  withWorkspace(async (tmp) => {
    const logs = join(tmp.workspace, 'logs');
    mkdirSync(join(logs, 'a'), { recursive: true });
    writeEventFile(join(logs, 'a', eventFileName(W)), [event(W, 0, [], 'brain.Event:2'), event(W + 1, 1, [{ tag: 'x', simple: 1 }])]);
    const first = await importPaths(tmp.root, [logs]);
    assert.equal(first.imported.length, 1);
    const again = await importPaths(tmp.root, [logs]);
    assert.equal(again.imported.length, 0);
    assert.deepEqual(again.alreadyPresent.map((p) => p.id), [first.imported[0].id]);
    mkdirSync(join(logs, 'b'));
    writeEventFile(join(logs, 'b', eventFileName(W + 7)), [event(W + 7, 0, [{ tag: 'x', simple: 2 }])]);
    const third = await importPaths(tmp.root, [logs]);
    assert.deepEqual(third.imported.map((r) => r.name), ['b']);
    assert.equal(readdirSync(join(tmp.root, 'runs')).filter((d) => !d.startsWith('.')).length, 2);
  }));

test('bad records: a data checksum mismatch skips the record, a length checksum mismatch ends the file, a torn tail is ignored', () =>
  withWorkspace(async (tmp, store) => {
    const dir = join(tmp.workspace, 'logs', 'bad');
    mkdirSync(dir, { recursive: true });
    const good = (step: number): Buffer => tfRecord(event(W + step, step, [{ tag: 'x', simple: step }]));
    const flippedData = good(1);
    flippedData[flippedData.length - 6] ^= 0xff; // inside the event bytes
    const file1 = join(dir, eventFileName(W, 1));
    writeFileSync(file1, Buffer.concat([good(0), flippedData, good(2)]));
    appendFileSync(file1, good(3).subarray(0, 10)); // a record being written
    const flippedLength = good(5);
    flippedLength[8] ^= 0x01; // the length's checksum
    const file2 = join(dir, eventFileName(W, 2));
    writeFileSync(file2, Buffer.concat([good(4), flippedLength, good(6)]));
    const notProto = join(dir, eventFileName(W, 3));
    writeFileSync(notProto, Buffer.concat([tfRecord(Buffer.from([0x0a, 0xff, 0xff])), good(7)]));
    const report = await importPaths(tmp.root, [join(tmp.workspace, 'logs')]);
    assert.equal(report.imported.length, 1);
    const messages = report.errors.map((e) => `${e.path.endsWith('.1.v2') ? 1 : e.path.endsWith('.2.v2') ? 2 : 3}: ${e.message}`);
    assert.equal(messages.length, 3, messages.join('\n'));
    assert.match(messages[0], /^1: at byte \d+: record data checksum mismatch; record skipped/);
    assert.match(messages[1], /^2: at byte \d+: record length checksum mismatch; the rest of the file \(\d+ bytes\) is skipped/);
    assert.match(messages[2], /^3: undecodable event/);
    ingestAll(store);
    const run = listRuns(store, {})[0];
    assert.deepEqual([...points(store, run.id, 'x').steps], [0, 2, 4, 7]);
  }));

test('unreadable and unknown paths are reported, the rest imported', () =>
  withWorkspace(async (tmp) => {
    const logs = join(tmp.workspace, 'logs', 'ok');
    mkdirSync(logs, { recursive: true });
    writeEventFile(join(logs, eventFileName(W)), [event(W, 0, [{ tag: 'x', simple: 1 }])]);
    const junk = join(tmp.workspace, 'notes.txt');
    writeFileSync(junk, 'hello');
    const empty = join(tmp.workspace, 'empty');
    mkdirSync(empty);
    const report = await importPaths(tmp.root, [junk, join(tmp.workspace, 'missing'), empty, join(tmp.workspace, 'logs')]);
    assert.equal(report.imported.length, 1);
    assert.deepEqual(
      report.errors.map((e) => [e.path, e.message.slice(0, 40)]),
      [
        [junk, 'not a TensorBoard event file, MLflow dat'],
        [join(tmp.workspace, 'missing'), 'no such file or folder'],
        [empty, 'no TensorBoard event files, MLflow store'],
      ],
    );
    // The imported run's log starts with its origin, written as a normal run event.
    const id = report.imported[0].id;
    const first = JSON.parse(readFileSync(join(tmp.root, 'runs', id, 'events.jsonl'), 'utf8').split('\n')[0]) as Record<string, unknown>;
    assert.equal(first.type, 'run');
    assert.equal(first.source, 'import');
    assert.deepEqual(first.import, { format: 'tensorboard', origin: `tensorboard:${eventFileName(W)}`, path: logs });
  }));

test('cancelling stops the import and reports what was written', () =>
  withWorkspace(async (tmp) => {
    const logs = join(tmp.workspace, 'logs');
    for (const name of ['a', 'b']) {
      mkdirSync(join(logs, name), { recursive: true });
      writeEventFile(join(logs, name, eventFileName(W, name === 'a' ? 1 : 2)), [event(W, 0, [{ tag: 'x', simple: 1 }])]);
    }
    const controller = new AbortController();
    const report = await importPaths(tmp.root, [logs], {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.runs === 1) controller.abort();
      },
    });
    assert.equal(report.cancelled, true);
    assert.equal(report.imported.length, 1);
    assert.deepEqual(readdirSync(join(tmp.root, 'runs')), [report.imported[0].id]);
  }));
