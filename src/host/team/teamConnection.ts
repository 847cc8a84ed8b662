// The editor's link to the team index: the settings say where (trackside.team.url and
// .blobs), VS Code's secret storage keeps the password ("Connect to Team Index…" asks for
// it), and the index worker holds the connection. The password goes to the worker only:
// never into settings, the log or a message.
import * as vscode from 'vscode';
import { teamTarget } from '../../core/team/teamConfig';
import type { TeamStatus } from '../../worker/teamState';
import { settings } from '../config';
import type { IndexService } from '../indexService';

/** One password per login (user@host:port/database), so switching URLs keeps each one. */
export function secretKey(url: string): string {
  return `trackside.team.password:${teamTarget(url).text}`;
}

export class TeamConnection implements vscode.Disposable {
  private status: TeamStatus = { state: 'off' };
  private queue: Promise<unknown> = Promise.resolve();
  private tried = false;
  private readonly changed = new vscode.EventEmitter<TeamStatus>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly index: IndexService,
    private readonly scope: () => vscode.Uri | undefined,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('trackside.team') && (this.tried || this.configured)) void this.connect();
      }),
    );
  }

  get current(): TeamStatus {
    return this.status;
  }

  get configured(): boolean {
    return settings(this.scope()).teamUrl !== '';
  }

  /** Connects as the settings say, with the stored password (else the worker's PGPASSWORD or ~/.pgpass). */
  connect(): Promise<TeamStatus> {
    this.tried = true;
    const run = async (): Promise<TeamStatus> => {
      const s = settings(this.scope());
      let password: string | undefined;
      if (s.teamUrl) password = await this.password(s.teamUrl);
      const status = await this.index.call('teamConfigure', s.teamUrl ? { url: s.teamUrl, blobs: s.teamBlobs, password, autoPush: s.teamAutoPush } : undefined);
      this.status = status;
      void vscode.commands.executeCommand('setContext', 'trackside.team.connected', status.state === 'connected');
      this.changed.fire(status);
      return status;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The first look at the team index connects; later ones take the connection as it is. */
  async ensure(): Promise<TeamStatus> {
    if (!this.tried) return this.connect();
    await this.queue;
    return this.status;
  }

  /** A read of the team index; a worker that started again (and so forgot the connection) is connected again first. */
  async read<T>(fn: () => Promise<T>): Promise<T> {
    await this.ensure();
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof Error && /^not connected to a team index/.test(e.message) && this.status.state === 'connected')) throw e;
      await this.connect();
      return fn();
    }
  }

  async setPassword(url: string, password: string): Promise<void> {
    if (password) await this.secrets.store(secretKey(url), password);
    else await this.secrets.delete(secretKey(url));
  }

  private async password(url: string): Promise<string | undefined> {
    try {
      return await this.secrets.get(secretKey(url));
    } catch {
      return undefined; // a URL that does not parse: the worker says what is wrong with it
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
