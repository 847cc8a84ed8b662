import * as vscode from 'vscode';

/**
 * A read-only terminal that shows a run's output live, named after the run. Output before
 * the terminal is shown waits in a buffer (the run's name is known once it has started); a
 * rerun can take over the terminal of the run it repeats.
 */
export class RunTerminal implements vscode.Disposable {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  private readonly nameEmitter = new vscode.EventEmitter<string>();
  private opened = false;
  private buffer: string[] = [];
  private closedByUser = false;
  private shown: vscode.Terminal | undefined;
  /** A new name given before VS Code opened the terminal (it listens for names from then on). */
  private renamed: string | undefined;

  /** The terminal, once shown. */
  get terminal(): vscode.Terminal | undefined {
    return this.shown;
  }

  /** Whether the user closed it (it cannot be written to or shown again). */
  get isClosed(): boolean {
    return this.closedByUser;
  }

  /** Shows the terminal named `name`; a terminal already shown is renamed. */
  show(name: string, preserveFocus = true): void {
    if (this.shown) {
      if (this.opened) this.nameEmitter.fire(name);
      else this.renamed = name;
    } else {
      const pty: vscode.Pseudoterminal = {
        onDidWrite: this.writeEmitter.event,
        onDidClose: this.closeEmitter.event,
        onDidChangeName: this.nameEmitter.event,
        open: () => {
          this.opened = true;
          if (this.renamed) this.nameEmitter.fire(this.renamed);
          for (const chunk of this.buffer) this.writeEmitter.fire(chunk);
          this.buffer = [];
        },
        close: () => {
          this.closedByUser = true;
        },
      };
      this.shown = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('pulse') });
    }
    this.shown.show(preserveFocus);
  }

  write(text: string): void {
    const chunk = text.replace(/\r?\n/g, '\r\n');
    if (this.opened) this.writeEmitter.fire(chunk);
    else this.buffer.push(chunk);
  }

  end(summary: string): void {
    this.write(`\n\x1b[2m${summary}\x1b[0m\n`);
  }

  /** Closes the terminal (the run's output stays in its folder). */
  close(): void {
    this.shown?.dispose();
    this.dispose();
  }

  dispose(): void {
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
    this.nameEmitter.dispose();
  }
}
