// Time-axis labels read as fine as the span of the axis needs (runs a minute, a day or months apart).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatX } from '../../webview/shared/format';

const at = (iso: string) => new Date(iso).getTime();
const MIN = 60_000;
const DAY = 86_400_000;

test('ticks within one day differ by their time, not a repeated date', () => {
  const ticks = [at('2026-11-30T09:00:00'), at('2026-11-30T13:00:00'), at('2026-11-30T17:00:00')];
  const labels = ticks.map((t) => formatX(t, 'wall', 8 * 60 * MIN));
  assert.deepEqual(labels, ['09:00', '13:00', '17:00']);
});

test('a span of a minute shows seconds; of days, the day and time; of months, the date', () => {
  assert.equal(formatX(at('2026-11-30T09:00:05'), 'wall', MIN), '09:00:05');
  assert.equal(formatX(at('2026-11-30T09:30:00'), 'wall', 3 * DAY), '11/30 09:30');
  assert.equal(formatX(at('2026-11-30T09:30:00'), 'wall', 90 * DAY), '2026-11-30');
});
