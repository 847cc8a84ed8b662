// "Open Gate Report": the Markdown report of a `trackside gate` verdict, kept as a blob in
// the store, shown in VS Code's Markdown preview. A blob has no name or extension, so the
// report is copied to a named .md file in the extension's storage first.
import * as vscode from 'vscode';
import { blobPath } from '../../core/blobs';
import type { GateRecord } from '../../core/models/gateQueries';
import type { ModelService } from './modelService';
import { pickModel, versionOf } from './modelCommands';
import type { ModelNode } from './modelsView';

function when(ms: number): string {
  return new Date(ms).toLocaleString();
}

async function pickGate(gates: GateRecord[], title: string): Promise<GateRecord | undefined> {
  if (gates.length <= 1) return gates[0];
  const picked = await vscode.window.showQuickPick(
    gates.map((g) => ({
      label: `${g.verdict === 'pass' ? '$(pass)' : '$(error)'} v${g.version} ${g.verdict === 'pass' ? 'passed' : 'failed'}`,
      description: `${g.mode === 'compare' && g.baseline !== undefined ? `against v${g.baseline}` : 'degradation'} · ${when(g.t)}`,
      detail: g.summary,
      g,
    })),
    { title, placeHolder: 'Which verdict?', matchOnDetail: true },
  );
  return picked?.g;
}

/** The verdict a command argument names: a version in the Models view, { name, line } from the Model panel, or one picked. */
async function gateOf(models: ModelService, arg: unknown): Promise<GateRecord | undefined> {
  const title = 'Open Gate Report';
  const node = arg as ModelNode | undefined;
  if (node?.kind === 'version' && node.gate) return node.gate;
  const byLine = arg as { name?: unknown; line?: unknown } | undefined;
  if (typeof byLine?.name === 'string' && typeof byLine.line === 'number') {
    const line = byLine.line;
    return (await models.index.call('gateHistory', byLine.name)).find((g) => g.line === line);
  }
  const got = await versionOf(models, arg);
  const name = got?.name ?? (await pickModel(models, title));
  if (!name) return undefined;
  const version = got && 'version' in got ? got.version : undefined;
  const gates = (await models.index.call('gateHistory', name, version)).filter((g) => version === undefined || g.version === version);
  if (!gates.length) {
    void vscode.window.showInformationMessage(`Trackside: no gate verdict on ${name}${version === undefined ? '' : ` v${version}`} yet. A pipeline makes one with "trackside gate".`);
    return undefined;
  }
  return pickGate(gates, title);
}

export async function openGateReport(models: ModelService, storage: vscode.Uri, arg: unknown): Promise<void> {
  const gate = await gateOf(models, arg);
  if (!gate) return;
  if (!gate.report) throw new Error(`the ${gate.verdict} verdict on ${gate.name} v${gate.version} has no stored report`);
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(blobPath(models.root, gate.report)));
  } catch {
    throw new Error(`the report of ${gate.name} v${gate.version}'s gate (blob ${gate.report.slice(0, 12)}…) is not in this store`);
  }
  const dir = vscode.Uri.joinPath(storage, 'gate-reports');
  await vscode.workspace.fs.createDirectory(dir);
  const file = vscode.Uri.joinPath(dir, `${gate.name}-v${gate.version}-gate-${gate.line}.md`);
  await vscode.workspace.fs.writeFile(file, bytes);
  await vscode.commands.executeCommand('markdown.showPreview', file);
}
