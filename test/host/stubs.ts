// Stand-ins for the prompts the commands show, and settings changed for one test; both are
// undone after the test. The `vscode` object is per extension, but this bundle lives inside
// the extension's folder, so the extension host hands it the very object the extension uses.
import * as vscode from 'vscode';
import { afterThis } from './runner.ts';
import { waitFor } from './workspace.ts';

/** Replaces `obj[key]` until the current test ends. */
export function stub<T extends object, K extends keyof T>(obj: T, key: K, impl: T[K]): void {
  const target = obj as Record<K, T[K]>;
  const original = target[key];
  target[key] = impl;
  afterThis(() => {
    target[key] = original;
  });
}

export interface PromptCalls {
  /** Options (or message and items) each call got. */
  calls: unknown[][];
}

/** Input boxes answer these strings in turn (then Escape); the calls are recorded. */
export function answerInputBoxes(...answers: (string | undefined)[]): PromptCalls {
  const rec: PromptCalls = { calls: [] };
  stub(vscode.window, 'showInputBox', (async (...args: unknown[]) => {
    rec.calls.push(args);
    return answers.shift();
  }) as typeof vscode.window.showInputBox);
  return rec;
}

/** Error messages are recorded instead of shown; each answers `answer` (no button by default). */
export function captureErrorMessages(answer?: string): PromptCalls {
  const rec: PromptCalls = { calls: [] };
  stub(vscode.window, 'showErrorMessage', (async (...args: unknown[]) => {
    rec.calls.push(args);
    return answer;
  }) as typeof vscode.window.showErrorMessage);
  return rec;
}

/** Warning messages (the modal confirmations) answer `answer`. */
export function answerWarnings(answer: string | undefined): PromptCalls {
  const rec: PromptCalls = { calls: [] };
  stub(vscode.window, 'showWarningMessage', (async (...args: unknown[]) => {
    rec.calls.push(args);
    return answer;
  }) as typeof vscode.window.showWarningMessage);
  return rec;
}

/** Quick picks answer with the items `choose` returns. */
export function answerQuickPicks(choose: (items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | vscode.QuickPickItem[] | undefined): PromptCalls {
  const rec: PromptCalls = { calls: [] };
  stub(vscode.window, 'showQuickPick', (async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, ...rest: unknown[]) => {
    const list = await items;
    rec.calls.push([list, ...rest]);
    return choose(list);
  }) as unknown as typeof vscode.window.showQuickPick);
  return rec;
}

/** Sets a user (global) setting until the current test ends; waits until reads see it. */
export async function setUserSetting(section: string, key: string, value: unknown): Promise<void> {
  const config = () => vscode.workspace.getConfiguration(section);
  const before = config().inspect(key)?.globalValue;
  await config().update(key, value, vscode.ConfigurationTarget.Global);
  afterThis(async () => {
    await config().update(key, before, vscode.ConfigurationTarget.Global);
    await waitFor(() => same(config().inspect(key)?.globalValue, before), { message: `${section}.${key} restored`, timeout: 5_000 });
  });
  await waitFor(() => same(config().get(key), value), { message: `${section}.${key} = ${JSON.stringify(value)}`, timeout: 5_000 });
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
