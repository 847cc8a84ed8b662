// What a tracked notebook run records, written by the runner script
// (src/python/trackside_nbrun) into the run folder, all within the v1 event log contract:
//
//   events.jsonl  per executed code cell, after it ran, one `metrics` event
//                   {"type":"metrics","step":<cell number, 1-based>,
//                    "values":{"sys/notebook/cell_seconds":0.42},
//                    "cell":{"index":5,"id":"a1b2","status":"ok"|"error"|"interrupted"}}
//                 (`cell` is an extra field readers ignore; the key sits under sys/ so the
//                 run's own metrics stay its primary ones), and at the end one `artifact`
//                 event, kind "notebook", for the executed notebook with its outputs.
//   files/<name>.ipynb   the executed notebook (also stored as that artifact's blob)
//   files/notebook-cells.json   NotebookRunRecord below: every code cell's status
//
// A failing cell ends the process with exit code 1 and a traceback on stderr that starts
// with the cell number, so the run's `failed` status carries both. Progress lines on stdout
// ("── cell 3 of 7 ──") come before each cell's own output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CELL_SECONDS_KEY = 'sys/notebook/cell_seconds';
export const RUN_RECORD_FILE = 'notebook-cells.json';

export type CellRunStatus = 'ok' | 'error' | 'interrupted' | 'not-run';

export interface CellRun {
  /** Position among the notebook's cells (0-based). */
  index: number;
  /** Position among its code cells (1-based): "cell 3 of 7". */
  number: number;
  id?: string;
  status: CellRunStatus;
  duration_ms?: number;
}

export interface NotebookRunRecord {
  notebook: string;
  /** The executed notebook, relative to the run folder. */
  output?: string;
  /** Code cells with source. */
  cells: CellRun[];
  failed?: { number: number; index: number; ename: string; evalue: string; traceback: string };
}

export function readNotebookRunRecord(runDir: string): NotebookRunRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(join(runDir, 'files', RUN_RECORD_FILE), 'utf8')) as NotebookRunRecord;
    return Array.isArray(r.cells) ? r : undefined;
  } catch {
    return undefined;
  }
}

export interface CellProgress {
  cell: number;
  of: number;
}

const PROGRESS_RE = /^── cell (\d+) of (\d+) ──/;

/** Follows a run's output and picks out the runner's progress lines. */
export class ProgressLines {
  private partial = '';

  /** Feeds a chunk of output; returns the progress lines completed by it. */
  push(text: string): CellProgress[] {
    const lines = (this.partial + text).split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    if (this.partial.length > 4096) this.partial = ''; // a progress line is short
    const found: CellProgress[] = [];
    for (const line of lines) {
      const m = PROGRESS_RE.exec(line);
      if (m) found.push({ cell: Number(m[1]), of: Number(m[2]) });
    }
    return found;
  }
}

/** "Cell 3 of 7 failed: ZeroDivisionError: division by zero". */
export function describeFailure(r: NotebookRunRecord): string | undefined {
  if (!r.failed) return undefined;
  const total = r.cells.length;
  const what = [r.failed.ename, r.failed.evalue].filter(Boolean).join(': ');
  return `Cell ${r.failed.number} of ${total} failed${what ? `: ${what}` : ''}`;
}
