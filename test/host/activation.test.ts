// The extension activates in a real extension host and registers what package.json promises.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, test } from './runner.ts';
import { stub } from './stubs.ts';
import { extension, tracksideApp } from './workspace.ts';

suite('activation', () => {
  test('activates and exports the app', async () => {
    const app = await tracksideApp();
    assert.ok(extension().isActive);
    assert.equal(app.folder?.uri.fsPath, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  });

  test('every contributed command is registered', async () => {
    await tracksideApp();
    const contributed = (extension().packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length > 0);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), [], 'contributed but not registered');
  });

  // Every other test relies on this: a prompt replaced here is the one the extension calls.
  test('a prompt replaced by a test is the one the extension shows', async () => {
    const app = await tracksideApp();
    assert.equal(app.runs.names().length, 0, 'no run is active before the suites start one');
    const shown: unknown[] = [];
    stub(vscode.window, 'showInformationMessage', (async (...args: unknown[]) => {
      shown.push(args[0]);
      return undefined;
    }) as typeof vscode.window.showInformationMessage);
    await vscode.commands.executeCommand('trackside.stopRun');
    assert.deepEqual(shown, ['Trackside: no running runs.']);
  });
});
