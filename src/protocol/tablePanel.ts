// Messages between the host and the Runs Table webview. Rows travel once, by column, and
// are sorted and filtered in the webview; changed runs come as row patches.
import type { TableData } from './tableData';

export const TABLE_VIEW_TYPE = 'trackside.table';

export interface SortKey {
  column: string;
  desc: boolean;
}

export interface TablePanelState {
  sort?: SortKey[];
  filter?: string;
  /** Columns shown, by id; absent means the default set. */
  columns?: string[];
  chart?: { open: boolean; metric?: string; x?: string };
  selected?: string[];
}

export type TableToWebview =
  /**
   * Replaces what the table holds. With many runs the newest page comes first
   * (`complete: false`), so rows show while every run follows in a second message.
   */
  | { type: 'rows'; data: TableData; complete: boolean }
  /** Runs added or changed (`data` holds only them) and runs gone. */
  | { type: 'rowsChanged'; data: TableData; removed: string[] };

export type TableFromWebview =
  | { type: 'ready' }
  | { type: 'openRun'; runId: string }
  | { type: 'compare'; runIds: string[] };
