// Appends to a run's events.jsonl. One write per line with O_APPEND, so lines from the
// editor and from the Python client in the same file never interleave.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunLogEvent } from '../events';

/** An event as written; `t` defaults to now. */
export type NewEvent = RunLogEvent extends infer E
  ? E extends RunLogEvent
    ? Omit<E, 't'> & { t?: number }
    : never
  : never;

export function eventsPath(dir: string): string {
  return join(dir, 'events.jsonl');
}

/** Generic so an event may carry fields the contract does not name yet (readers ignore
 * what they do not know). */
export function appendEvent<E extends NewEvent>(dir: string, event: E): void {
  const line = JSON.stringify({ t: event.t ?? Date.now(), ...event });
  appendFileSync(eventsPath(dir), line + '\n');
}
