import * as vscode from 'vscode';
import { Commands } from './commandIds';

/** A spinning count of active runs; hidden when nothing runs. */
export class RunsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('trackside.activeRuns', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Trackside Active Runs';
    this.item.command = Commands.showRuns;
  }

  update(active: string[]): void {
    if (active.length === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(sync~spin) ${active.length} run${active.length === 1 ? '' : 's'}`;
    this.item.tooltip = `Trackside: running ${active.join(', ')}\nClick to show the runs`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
