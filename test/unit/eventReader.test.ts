import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEventChunks, readEvents, START } from '../../src/core/eventReader';
import { parseEventLine } from '../../src/core/eventParse';
import { tempRoot } from './runFolders';

function withFile(fn: (file: string) => void): void {
  const tmp = tempRoot();
  try {
    fn(join(tmp.root, 'events.jsonl'));
  } finally {
    tmp.cleanup();
  }
}

test('a torn last line waits, then completes on the next read', () => {
  withFile((file) => {
    writeFileSync(file, '{"t":1,"type":"note","text":"a"}\n{"t":2,"type":"rename","na');
    const first = readEvents(file);
    assert.equal(first.events.length, 1);
    assert.equal(first.bad.length, 0);
    assert.deepEqual(first.end, { offset: Buffer.byteLength('{"t":1,"type":"note","text":"a"}\n'), line: 1 });

    // Nothing new yet: the torn line is still not read.
    const again = readEvents(file, first.end);
    assert.equal(again.events.length, 0);
    assert.deepEqual(again.end, first.end);

    appendFileSync(file, 'me":"b"}\n');
    const second = readEvents(file, first.end);
    assert.equal(second.events.length, 1);
    assert.deepEqual(second.events[0], { t: 2, type: 'rename', name: 'b' });
    assert.deepEqual(second.lines, [2]);
    assert.equal(second.end.line, 2);
  });
});

test('bad lines are reported with file and line number and skipped', () => {
  withFile((file) => {
    writeFileSync(
      file,
      [
        '{"t":1,"type":"run","name":"x"}',
        'garbage',
        '[1,2,3]',
        '{"t":2}',
        '{"t":3,"type":"teleport"}',
        '{"t":4,"type":"metrics","step":"one","values":{"a":1}}',
        '{"t":5,"type":"metrics","step":1,"values":{"a":"high"}}',
        '',
        '{"t":6,"type":"metrics","step":2,"values":{"a":0.5}}',
        '{"t":7,"type":"status","status":"exploded"}',
        '{"type":"note","text":"no time"}',
        '{"t":8,"type":"tags","add":["ok", 3]}',
        '{"t":9,"type":"image","key":"k","step":0,"hash":"../../etc/passwd","format":"png","size":1}',
        '{"t":10,"type":"deleted","deleted":"yes"}',
        '{"t":11,"type":"note","text":"fine"}',
      ].join('\n') + '\n',
    );
    const r = readEvents(file);
    assert.deepEqual(
      r.events.map((e) => e.t),
      [1, 6, 11],
    );
    assert.deepEqual(r.lines, [1, 9, 15]);
    assert.deepEqual(
      r.bad.map((b) => b.line),
      [2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14],
    );
    for (const b of r.bad) {
      assert.equal(b.file, file);
      assert.ok(b.message.length > 0);
    }
    assert.match(r.bad[0].message, /JSON/);
    assert.match(r.bad[3].message, /unknown event type/);
    assert.match(r.bad[5].message, /"a"/);
    assert.equal(r.end.line, 15);
  });
});

test('a truncated file ingests its valid lines; line numbers stay right across reads', () => {
  withFile((file) => {
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ t: i, type: 'metrics', step: i, values: { x: i } }));
    // Corrupt a few in the middle, as a crash or a bad copy would.
    lines[10] = lines[10].slice(0, 12);
    lines[30] = '\u0000\u0000\u0000garbage';
    writeFileSync(file, lines.slice(0, 20).join('\n') + '\n');
    const a = readEvents(file);
    appendFileSync(file, lines.slice(20).join('\n') + '\n' + lines[0].slice(0, 9));
    const b = readEvents(file, a.end);
    assert.deepEqual([...a.bad, ...b.bad].map((x) => x.line), [11, 31]);
    const all = [...a.lines, ...b.lines];
    assert.equal(all.length, 48);
    assert.equal(all[all.length - 1], 50);
    assert.equal(b.end.line, 50);
  });
});

test('small chunks give the same result as one read, and long lines are not split', () => {
  withFile((file) => {
    const long = 'x'.repeat(5000);
    const text =
      Array.from({ length: 200 }, (_, i) =>
        i % 17 === 0 ? JSON.stringify({ t: i, type: 'note', text: long }) : i % 23 === 0 ? 'bad line ü' : JSON.stringify({ t: i, type: 'metrics', step: i, values: { 'ü/ß': i } }),
      ).join('\n') + '\n';
    writeFileSync(file, text);
    const whole = readEvents(file);
    const chunks = [...readEventChunks(file, START, { chunkBytes: 64 })];
    assert.ok(chunks.length > 10);
    const events = chunks.flatMap((c) => c.events);
    const lines = chunks.flatMap((c) => c.lines);
    const bad = chunks.flatMap((c) => c.bad);
    assert.deepEqual(events, whole.events);
    assert.deepEqual(lines, whole.lines);
    assert.deepEqual(bad, whole.bad);
    assert.equal(chunks[chunks.length - 1].end.offset, Buffer.byteLength(text));
    for (let i = 1; i < chunks.length; i++) assert.deepEqual(chunks[i].start, chunks[i - 1].end);
  });
});

test('reading from a saved offset continues with correct line numbers', () => {
  withFile((file) => {
    writeFileSync(file, '');
    let pos = START;
    const seen: number[] = [];
    for (let i = 1; i <= 30; i++) {
      appendFileSync(file, i % 7 === 0 ? 'oops\n' : JSON.stringify({ t: i, type: 'note', text: String(i) }) + '\n');
      const r = readEvents(file, pos);
      seen.push(...r.lines, ...r.bad.map((b) => -b.line));
      pos = r.end;
    }
    assert.deepEqual(seen, Array.from({ length: 30 }, (_, i) => ((i + 1) % 7 === 0 ? -(i + 1) : i + 1)));
  });
});

test('non-finite metric strings become numbers; a missing file reads as empty', () => {
  const ev = parseEventLine('{"t":1,"type":"metrics","step":3,"values":{"a":"NaN","b":"Infinity","c":"-Infinity","d":2}}');
  assert.ok(typeof ev !== 'string' && ev.type === 'metrics');
  assert.ok(Number.isNaN(ev.values.a));
  assert.equal(ev.values.b, Infinity);
  assert.equal(ev.values.c, -Infinity);
  assert.equal(ev.values.d, 2);
  // Bare NaN/Infinity tokens (Python's json.dumps default) are accepted too.
  const bare = parseEventLine('{"t":1,"type":"sys","values":{"gpu":NaN,"x":-Infinity,"s":1}}');
  assert.ok(typeof bare !== 'string' && bare.type === 'sys');
  assert.ok(Number.isNaN(bare.values.gpu));
  assert.equal(bare.values.x, -Infinity);
  assert.equal(readEvents('/nonexistent/trackside/events.jsonl').events.length, 0);
});

test('each event type is checked for its own fields', () => {
  const hash = 'a'.repeat(64);
  const good = [
    { t: 1, type: 'run', name: 'n', command: ['python', 'x.py'], git: { commit: 'c', dirty: true }, params: { lr: 0.1, opt: { nested: 1 } } },
    { t: 1, type: 'params', values: { a: 1 } },
    { t: 1, type: 'artifact', name: 'm', kind: 'model', hash, size: 3, files: [{ path: 'a', hash, size: 3 }] },
    { t: 1, type: 'image', key: 'cm', step: 0, hash: hash.toUpperCase(), format: 'png', size: 9, width: 4, height: 4 },
    { t: 1, type: 'dataset', name: 'd', path: '/data', hash, size: 1, files: [] },
    { t: 1, type: 'code', files: [{ path: 'train.py', hash, size: 1 }] },
    { t: 1, type: 'status', status: 'failed', exit_code: 1, error: 'Traceback' },
    { t: 1, type: 'status', status: 'running', exit_code: null },
    { t: 1, type: 'deleted', deleted: false },
  ];
  for (const e of good) assert.notEqual(typeof parseEventLine(JSON.stringify(e)), 'string', JSON.stringify(e));
  const img = parseEventLine(JSON.stringify(good[3]));
  assert.ok(typeof img !== 'string' && img.type === 'image' && img.hash === hash);
  const bad = [
    { t: 1, type: 'run', command: 3 },
    { t: 1, type: 'params', values: [1] },
    { t: 1, type: 'artifact', name: 'm', kind: 'model', hash: 'xyz', size: 3 },
    { t: 1, type: 'image', key: 'cm', step: 0, hash, format: 'gif', size: 9 },
    { t: 1, type: 'dataset', name: 'd', path: '/data', hash, size: 1 },
    { t: 1, type: 'code', files: [{ path: 'train.py', size: 1 }] },
    { t: 1, type: 'rename' },
    { t: 'now', type: 'note', text: 'x' },
  ];
  for (const e of bad) assert.equal(typeof parseEventLine(JSON.stringify(e)), 'string', JSON.stringify(e));
});

test('a line over the limit is one bad line, whole or torn, in any chunking; the lines around it still read', () => {
  withFile((file) => {
    const note = (i: number): string => JSON.stringify({ t: i, type: 'note', text: String(i) });
    const max = 100;
    const exact = JSON.stringify({ t: 0, type: 'note', text: 'y'.repeat(max - 40) });
    const atLimit = exact + ' '.repeat(max - Buffer.byteLength(exact)); // exactly max bytes: fine
    const over = atLimit + ' '; // max + 1 bytes: too long
    const text = [note(1), over, note(3), atLimit, 'x'.repeat(5 * max), note(6)].join('\n') + '\n';
    writeFileSync(file, text);
    const expected = { lines: [1, 3, 4, 6], bad: [2, 5] };
    for (const chunkBytes of [16, 37, 64, 101, 150, 4096]) {
      const r = readEvents(file, START, { chunkBytes, maxLineBytes: max });
      assert.deepEqual(r.lines, expected.lines, `chunkBytes ${chunkBytes}`);
      assert.deepEqual(r.bad.map((b) => b.line), expected.bad, `chunkBytes ${chunkBytes}`);
      assert.match(r.bad[0].message, /line longer than 100 bytes, skipped/);
      assert.deepEqual(r.end, { offset: Buffer.byteLength(text), line: 6 });
    }
  });
});

test('a torn line over the limit is reported at once; its rest is skipped when it ends, line numbers stay right', () => {
  withFile((file) => {
    const max = 64;
    const opts = { chunkBytes: 16, maxLineBytes: max };
    writeFileSync(file, '{"t":1,"type":"note","text":"a"}\n' + 'z'.repeat(200));
    const first = readEvents(file, START, opts);
    assert.deepEqual(first.lines, [1]);
    assert.deepEqual(first.bad.map((b) => b.line), [2]);
    // Read up to the end: the next read costs nothing while the line stays torn.
    assert.deepEqual(first.end, { offset: 33 + 200, line: 2 });
    appendFileSync(file, 'z'.repeat(300));
    const more = readEvents(file, first.end, opts);
    assert.deepEqual([more.lines, more.bad], [[], []]);
    appendFileSync(file, 'zz\n{"t":3,"type":"note","text":"c"}\n');
    const rest = readEvents(file, more.end, opts);
    assert.deepEqual(rest.lines, [3]);
    assert.deepEqual(rest.bad, []);
    // From scratch the same file reads the same.
    const whole = readEvents(file, START, opts);
    assert.deepEqual([whole.lines, whole.bad.map((b) => b.line), whole.end], [[1, 3], [2], rest.end]);
  });
});
