// Where a Trackside panel opens: in the editor group that already holds one (as another tab),
// else beside the code. Panels never spread over a third or fourth column.
import * as vscode from 'vscode';

/** A tab showing one of Trackside's panels (Run, Compare, Runs Table, Model …). */
export function isTracksideTab(tab: vscode.Tab): boolean {
  const input = tab.input;
  // Webview panels' view types reach the tab API prefixed ("mainThreadWebview-trackside.table").
  if (input instanceof vscode.TabInputWebview) return /(^|-)trackside\./.test(input.viewType);
  if (input instanceof vscode.TabInputCustom) return input.viewType.startsWith('trackside.');
  return false;
}

/** The column for a new Trackside panel. */
export function tracksideColumn(): vscode.ViewColumn {
  const groups = vscode.window.tabGroups;
  const holds = (g: vscode.TabGroup) => g.tabs.some(isTracksideTab);
  if (holds(groups.activeTabGroup)) return groups.activeTabGroup.viewColumn;
  const group = groups.all.find(holds);
  if (group) return group.viewColumn;
  // Nothing open yet: the panel takes the empty editor area instead of splitting it.
  return groups.activeTabGroup.tabs.length === 0 ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside;
}
