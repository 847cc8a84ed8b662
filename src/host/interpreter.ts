import * as vscode from 'vscode';
import { settings } from './config';

interface PythonEnvironmentsApi {
  environments?: { getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined };
  settings?: { getExecutionDetails(resource?: vscode.Uri): { execCommand?: string[] } };
}

/**
 * Interpreter for a run: an explicit choice, else the Python extension's active
 * environment, else `trackside.pythonPath`, else `python3`.
 */
export async function interpreterFor(resource: vscode.Uri | undefined, explicit?: string): Promise<string> {
  if (explicit) return explicit;
  const fromPythonExtension = await activeEnvironment(resource);
  if (fromPythonExtension) return fromPythonExtension;
  return settings(resource).pythonPath || 'python3';
}

async function activeEnvironment(resource: vscode.Uri | undefined): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension<PythonEnvironmentsApi>('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const path = api?.environments?.getActiveEnvironmentPath(resource)?.path;
    if (path) return path;
    return api?.settings?.getExecutionDetails(resource)?.execCommand?.[0];
  } catch {
    return undefined;
  }
}

/** Says that `command` could not be started (`detail`: why) and offers the setting that picks another. */
export async function showInterpreterMissing(command: string, detail: string): Promise<void> {
  const pick = await vscode.window.showErrorMessage(
    `Trackside: the Python interpreter "${command}" could not be started. Set "trackside.pythonPath" or select an environment in the Python extension.`,
    { detail },
    'Open Setting',
  );
  if (pick) await vscode.commands.executeCommand('workbench.action.openSettings', 'trackside.pythonPath');
}
