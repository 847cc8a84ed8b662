// The import states of a `.trackside` folder, read once per import and looked up by origin
// (which MLflow or TensorBoard run) and by source (which folder or store it was read from).
import { type SyncState, loadAllStates, loadState } from './importState';

export class StateIndex {
  private readonly origins = new Map<string, SyncState>();
  private readonly sources = new Map<string, SyncState>();

  constructor(private readonly root: string) {
    for (const s of loadAllStates(root)) this.add(s);
  }

  private add(s: SyncState): void {
    this.origins.set(s.origin, s);
    this.sources.set(s.source, s);
  }

  byOrigin(origin: string): SyncState | undefined {
    return this.origins.get(origin);
  }

  bySource(source: string): SyncState | undefined {
    return this.sources.get(source);
  }

  all(): SyncState[] {
    return [...this.origins.values()];
  }

  /** Reads one state again after it was written. */
  refresh(origin: string): void {
    const s = loadState(this.root, origin);
    if (s) this.add(s);
  }
}
