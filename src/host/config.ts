import * as vscode from 'vscode';

export interface RunConfiguration {
  name: string;
  program: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  interpreter?: string;
  experiment?: string;
}

/** Typed reads of the `trackside.*` settings; defaults live in package.json. */
export function settings(scope?: vscode.Uri) {
  const c = vscode.workspace.getConfiguration('trackside', scope);
  return {
    pythonPath: c.get<string>('pythonPath', ''),
    runConfigurations: c.get<RunConfiguration[]>('runConfigurations', []),
    defaultExperiment: c.get<string>('defaultExperiment', 'Default'),
    snapshotInclude: c.get<string[]>('snapshot.include', []),
    snapshotMaxFileBytes: c.get<number>('snapshot.maxFileSizeKB', 1024) * 1024,
    snapshotMaxTotalBytes: c.get<number>('snapshot.maxTotalSizeMB', 50) * 1024 * 1024,
    systemMetricsInterval: c.get<number>('systemMetricsInterval', 5),
    primaryMetric: c.get<string>('primaryMetric', ''),
    terminalCloseOnFinish: c.get<boolean>('terminal.closeOnFinish', false),
    outputCapBytes: c.get<number>('outputLogMaxSizeMB', 10) * 1024 * 1024,
    sqliteEngine: c.get<string>('sqliteEngine', 'auto'),
    queueConcurrency: Math.max(1, Math.floor(c.get<number>('queue.concurrency', 4))),
    teamUrl: c.get<string>('team.url', '').trim(),
    teamBlobs: c.get<string>('team.blobs', '').trim(),
    teamAutoPush: c.get<boolean>('team.autoPush', false),
  };
}
