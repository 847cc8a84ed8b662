// Appends to a run's events.jsonl: the one way TypeScript writes an event (status, crashed,
// reattach, sys samples, edits). One O_APPEND write per line, so lines from the editor and
// from the Python client never interleave, and torn-line safe (see appendJsonLine).
import { appendJsonLine } from '../appendLine';
import type { RunLogEvent } from '../events';
import { eventsPath } from '../paths';

/** An event as written; `t` defaults to now. */
export type NewEvent = RunLogEvent extends infer E
  ? E extends RunLogEvent
    ? Omit<E, 't'> & { t?: number }
    : never
  : never;

/**
 * Appends one event to the log in run folder `dir`, `t` first. After a writer that died
 * mid-line (SIGKILL, the OOM killer) this event still gets a line of its own, so a final
 * status is never glued to the torn fragment and lost. Generic so an event may carry fields
 * the contract does not name yet (readers ignore what they do not know).
 */
export function appendEvent<E extends NewEvent>(dir: string, event: E): void {
  const { t, ...rest } = event;
  appendJsonLine(eventsPath(dir), { t: t ?? Date.now(), ...rest });
}
