// Messages between the host and the Runs Table webview. Rows travel once, by column, and
// are sorted in the webview; changed runs come as row patches. The filter is a query the
// host's index evaluates (the language of the explorer and the CLI), a request answered by run ids.
import type { ReplyOf, RequestOf } from './request';
import type { TableData } from './tableData';

export const TABLE_VIEW_TYPE = 'trackside.table';
/** The same panel over the team index's runs. */
export const TEAM_TABLE_VIEW_TYPE = 'trackside.teamTable';

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
  | { type: 'rowsChanged'; data: TableData; removed: string[] }
  | ReplyOf<TableRequests>;

export type TableRequests = {
  /** The ids of the runs a filter query selects; its error: the parser's message and 1-based column. */
  filter: { params: { query: string }; value: string[]; error: { message: string; column: number } };
};

export type TableFromWebview =
  | { type: 'ready' }
  | { type: 'openRun'; runId: string }
  | { type: 'compare'; runIds: string[] }
  | RequestOf<TableRequests>;
