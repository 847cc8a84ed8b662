// Edits a user makes to a run (rename, tags, note, delete, restore). Each is appended to the
// run's events.jsonl first, then that run is ingested: the folder stays the source of truth
// and a rebuild gives the edit back.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import type { DeletedEvent, NoteEvent, RenameEvent, TagsEvent } from './events';
import { ingestRun } from './ingest';
import { eventsPath } from './paths';
import { UnknownRunError } from './errors';
import { type Store, runRid } from './store';

type EditEvent = RenameEvent | TagsEvent | NoteEvent | DeletedEvent;
type EditBody = Omit<RenameEvent, 't'> | Omit<TagsEvent, 't'> | Omit<NoteEvent, 't'> | Omit<DeletedEvent, 't'>;

/**
 * Appends one event line to a run's log with a single O_APPEND write. If the log ends in a
 * torn line (a writer died mid-line), a "\n" is written first so that fragment becomes one
 * bad line instead of corrupting this event.
 */
export function appendEvent(root: string, runId: string, event: EditEvent): void {
  const fd = openSync(eventsPath(root, runId), 'a+');
  try {
    let prefix = '';
    const size = fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    writeSync(fd, `${prefix}${JSON.stringify(event)}\n`);
  } finally {
    closeSync(fd);
  }
}

function edit(store: Store, runId: string, body: EditBody): void {
  if (runRid(store, runId) === undefined) throw new UnknownRunError(runId);
  appendEvent(store.root, runId, { t: Date.now(), ...body } as EditEvent);
  ingestRun(store, runId);
}

export function renameRun(store: Store, runId: string, name: string): void {
  edit(store, runId, { type: 'rename', name });
}

export function tagRun(store: Store, runId: string, add: readonly string[], remove: readonly string[] = []): void {
  edit(store, runId, { type: 'tags', add: [...add], remove: [...remove] });
}

export function untagRun(store: Store, runId: string, remove: readonly string[]): void {
  edit(store, runId, { type: 'tags', remove: [...remove] });
}

/** An empty text clears the note. */
export function setNote(store: Store, runId: string, text: string): void {
  edit(store, runId, { type: 'note', text });
}

/** Marks the run deleted (hidden from listings); its folder stays until removed by hand. */
export function deleteRun(store: Store, runId: string): void {
  edit(store, runId, { type: 'deleted', deleted: true });
}

export function restoreRun(store: Store, runId: string): void {
  edit(store, runId, { type: 'deleted', deleted: false });
}
