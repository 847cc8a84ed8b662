import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OutputLog } from '../../src/core/runner/outputLog';
import { cleanupTempDirs, tempDir } from '../fixtures/runner/helpers';

test.after(cleanupTempDirs);

test('keeps everything under the cap', () => {
  const path = join(tempDir(), 'output.log');
  const log = new OutputLog(path, 1000);
  log.write(Buffer.from('a\n'));
  log.write(Buffer.from('b\n'));
  log.close();
  assert.equal(readFileSync(path, 'utf8'), 'a\nb\n');
});

test('over the cap: keeps the tail, starting at a line, never above the cap', () => {
  const path = join(tempDir(), 'output.log');
  const log = new OutputLog(path, 1000);
  const lines: string[] = [];
  for (let i = 0; i < 500; i++) {
    const line = `line ${String(i).padStart(4, '0')}\n`;
    lines.push(line);
    log.write(Buffer.from(line));
    assert.ok(statSync(path).size <= 1000);
  }
  log.close();
  const text = readFileSync(path, 'utf8');
  assert.ok(text.startsWith('line '), 'starts at a line');
  assert.ok(text.endsWith('line 0499\n'), 'the last line is kept');
  assert.ok(lines.join('').endsWith(text), 'a contiguous tail');
  assert.ok(text.length >= 400);
  assert.equal(log.dropped + text.length, lines.join('').length);
  assert.ok(!existsSync(path + '.tmp'));
});

test('a long line without newlines is cut at a UTF-8 character boundary', () => {
  const path = join(tempDir(), 'output.log');
  const log = new OutputLog(path, 101);
  for (let i = 0; i < 100; i++) log.write(Buffer.from('é€'));
  log.close();
  const buf = readFileSync(path);
  assert.ok(buf.length <= 101);
  assert.ok(!buf.toString('utf8').includes('\ufffd'), 'no broken character');
});

test('a chunk bigger than the cap keeps its own tail', () => {
  const path = join(tempDir(), 'output.log');
  const log = new OutputLog(path, 100);
  log.write(Buffer.from(Array.from({ length: 50 }, (_, i) => `${i}\n`).join('')));
  log.close();
  assert.ok(readFileSync(path, 'utf8').endsWith('48\n49\n'));
});
