// Run ids sort by start time: "YYYYMMDD-HHMMSS-<6 hex>" in UTC.
import { randomBytes } from 'node:crypto';

export const RUN_ID_RE = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

export function newRunId(now: Date = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const date = `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${date}-${time}-${randomBytes(3).toString('hex')}`;
}

export function isRunId(id: string): boolean {
  return RUN_ID_RE.test(id);
}

/** The 6 hex characters that tell runs started in the same second apart. */
export function shortRunId(id: string): string {
  return id.slice(-6);
}
