// An index job (rebuild, import, archive export) under a cancellable progress notification:
// the worker's counts move the bar, Cancel stops the job, a cancelled job gives undefined.
import * as vscode from 'vscode';
import type { JobProgress } from '../protocol/indexWorker';

export interface JobControl {
  signal: AbortSignal;
  progress: (p: JobProgress) => void;
}

export function withJobProgress<T>(title: string, run: (job: JobControl) => Promise<T>): Thenable<T | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    let shown = 0;
    try {
      return await run({
        signal: controller.signal,
        progress: (p) => {
          const pct = p.total ? Math.floor((100 * (p.done ?? 0)) / p.total) : 0;
          progress.report({ message: p.message ?? (p.total ? `${pct}%` : undefined), increment: Math.max(0, pct - shown) });
          shown = Math.max(shown, pct);
        },
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') return undefined;
      throw e;
    } finally {
      sub.dispose();
    }
  });
}
