import * as vscode from 'vscode';

/** A read-only terminal that shows a run's output live, named after the run. */
export class RunTerminal implements vscode.Disposable {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  private opened = false;
  private buffer: string[] = [];
  readonly terminal: vscode.Terminal;

  constructor(name: string) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.writeEmitter.event,
      onDidClose: this.closeEmitter.event,
      open: () => {
        this.opened = true;
        for (const chunk of this.buffer) this.writeEmitter.fire(chunk);
        this.buffer = [];
      },
      close: () => undefined,
    };
    this.terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('pulse') });
  }

  write(text: string): void {
    const chunk = text.replace(/\r?\n/g, '\r\n');
    if (this.opened) this.writeEmitter.fire(chunk);
    else this.buffer.push(chunk);
  }

  end(summary: string): void {
    this.write(`\n\x1b[2m${summary}\x1b[0m\n`);
  }

  dispose(): void {
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}
