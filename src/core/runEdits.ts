// Edits a user makes to a run (rename, tags, note, delete, restore), the editor's through the
// index worker. Each is appended to the run's events.jsonl first, then that run is ingested:
// the folder stays the source of truth and a rebuild gives the edit back.
import type { DeletedEvent, NoteEvent, RenameEvent, TagsEvent } from './events';
import { ingestRun } from './ingest';
import { runDir } from './paths';
import { appendEvent } from './runner/eventLog';
import { UnknownRunError } from './errors';
import { type Store, runRid } from './store';

type EditBody = Omit<RenameEvent, 't'> | Omit<TagsEvent, 't'> | Omit<NoteEvent, 't'> | Omit<DeletedEvent, 't'>;

/** Any of the edits below: appended to the run's log, then read into the index. */
function editRun(store: Store, runId: string, body: EditBody): void {
  if (runRid(store, runId) === undefined) throw new UnknownRunError(runId);
  appendEvent(runDir(store.root, runId), body);
  ingestRun(store, runId);
}

export function renameRun(store: Store, runId: string, name: string): void {
  editRun(store, runId, { type: 'rename', name });
}

export function tagRun(store: Store, runId: string, add: readonly string[], remove: readonly string[] = []): void {
  editRun(store, runId, { type: 'tags', add: [...add], remove: [...remove] });
}

/** An empty text clears the note. */
export function setNote(store: Store, runId: string, text: string): void {
  editRun(store, runId, { type: 'note', text });
}

/** Marks the run deleted (hidden from listings); its folder stays until removed by hand. */
export function deleteRun(store: Store, runId: string): void {
  editRun(store, runId, { type: 'deleted', deleted: true });
}

export function restoreRun(store: Store, runId: string): void {
  editRun(store, runId, { type: 'deleted', deleted: false });
}
