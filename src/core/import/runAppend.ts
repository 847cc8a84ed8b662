// Appends what an import found since last time to an imported run's events.jsonl. The run's
// import state records the log's size before the first byte is written ("pending"); an
// import killed in the middle leaves that mark, and the next import cuts the half-written
// lines off again before it reads the sources from where the last complete import stopped.
// Nothing else writes to an imported run's log in that window but a user's edit, which is
// rare enough there to accept.
import { closeSync, fstatSync, openSync, readSync, statSync, truncateSync, writeSync } from 'node:fs';
import { eventsPath, runDir } from '../paths';
import { RunLines } from './importedRun';
import { type SyncState, saveState } from './importState';

/** Undoes a half-written append left by an import that was killed. */
export function recoverPending(root: string, state: SyncState): void {
  if (state.pending === undefined) return;
  const file = eventsPath(runDir(root, state.id));
  try {
    if (statSync(file).size > state.pending) truncateSync(file, state.pending);
  } catch {
    // no log: nothing to undo
  }
  delete state.pending;
  saveState(root, state);
}

export class RunAppender extends RunLines {
  private fd = -1;
  private readonly file: string;

  constructor(
    private readonly root: string,
    private readonly state: SyncState,
  ) {
    super(state.id);
    this.file = eventsPath(runDir(root, state.id));
  }

  protected write(s: string): void {
    if (this.fd < 0) this.open();
    writeSync(this.fd, s);
  }

  private open(): void {
    this.fd = openSync(this.file, 'a+');
    const size = fstatSync(this.fd).size;
    this.state.pending = size;
    saveState(this.root, this.state);
    // A torn last line (a writer died mid-line) stays one bad line; ours start on a new one.
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(this.fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) writeSync(this.fd, '\n');
    }
  }

  /** Writes what is buffered; the caller then saves the state (which clears `pending`). */
  finish(): void {
    this.flush();
    if (this.fd >= 0) {
      this.state.eventsSize = fstatSync(this.fd).size;
      closeSync(this.fd);
      this.fd = -1;
    }
    delete this.state.pending;
  }

  /** Cuts off what this append wrote. */
  abort(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
    recoverPending(this.root, this.state);
  }
}
