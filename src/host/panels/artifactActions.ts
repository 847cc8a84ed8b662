// Open, Reveal, Copy Path and Save As… for a run's artifacts. The webview only names a blob
// by hash; the host finds it among the run's own artifacts, and writes only where the user
// chose (Save As) or into its own scratch folder (Open).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { blobPath } from '../../core/blobs';
import type { ArtifactAction } from '../../protocol/runPanel';
import type { PanelContext } from './panelSetup';
import { inside, safeFileName } from '../../core/safePaths';

interface Target {
  /** Blob of the file (folders: undefined). */
  hash?: string;
  name: string;
  files: { path: string; hash: string }[];
}

async function find(ctx: PanelContext, runId: string, hash: string, file?: string): Promise<Target> {
  const run = await ctx.index.call('getRun', runId);
  const art = run?.artifacts.find((a) => a.hash === hash);
  if (!run || !art) throw new Error('That artifact is no longer in the index.');
  if (file !== undefined) {
    const f = art.files.find((x) => x.path === file);
    if (!f) throw new Error(`${art.name} has no file ${file}.`);
    return { hash: f.hash, name: f.path, files: [] };
  }
  return art.files.length ? { name: art.name, files: art.files } : { hash: art.hash, name: art.name, files: [] };
}

function storedFile(ctx: PanelContext, hash: string): string {
  const p = blobPath(ctx.root, hash);
  if (!fs.existsSync(p)) throw new Error(`The stored copy (${hash.slice(0, 12)}) is missing from the blob store.`);
  return p;
}

export async function artifactAction(ctx: PanelContext, runId: string, action: ArtifactAction, hash: string, file?: string): Promise<void> {
  const t = await find(ctx, runId, hash, file);
  switch (action) {
    case 'open': {
      if (!t.hash) throw new Error('Open the files of a folder artifact one by one.');
      // A copy named like the artifact, so the editor picks the right viewer; blobs stay untouched.
      const dir = path.join(os.tmpdir(), 'trackside-open', t.hash);
      const copy = path.join(dir, safeFileName(t.name));
      if (!fs.existsSync(copy)) {
        fs.mkdirSync(dir, { recursive: true });
        fs.copyFileSync(storedFile(ctx, t.hash), copy);
      }
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(copy), { viewColumn: vscode.ViewColumn.Active, preview: true });
      return;
    }
    case 'reveal':
      await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(t.hash ? storedFile(ctx, t.hash) : path.join(ctx.root, 'blobs')));
      return;
    case 'copyPath':
      await vscode.env.clipboard.writeText(t.hash ? storedFile(ctx, t.hash) : t.files.map((f) => blobPath(ctx.root, f.hash)).join('\n'));
      void vscode.window.setStatusBarMessage('Trackside: stored path copied', 3000);
      return;
    case 'saveAs':
      if (t.hash) await saveFile(ctx, t.hash, t.name);
      else await saveFolder(ctx, t);
      return;
  }
}

async function saveFile(ctx: PanelContext, hash: string, name: string): Promise<void> {
  const src = storedFile(ctx, hash);
  const base = ctx.folder()?.uri ?? vscode.Uri.file(os.homedir());
  const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(base, safeFileName(name)), saveLabel: 'Save Artifact', title: `Save ${name} As` });
  if (!target) return;
  await vscode.workspace.fs.copy(vscode.Uri.file(src), target, { overwrite: true }); // the dialog already asked about overwriting
  void vscode.window.showInformationMessage(`Trackside: saved ${path.basename(target.fsPath)}.`);
}

async function saveFolder(ctx: PanelContext, t: Target): Promise<void> {
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Save Here', title: `Save ${t.name} into a Folder`, defaultUri: ctx.folder()?.uri });
  if (!picked?.[0]) return;
  const dest = path.join(picked[0].fsPath, safeFileName(t.name));
  if (fs.existsSync(dest)) throw new Error(`${dest} already exists; choose another folder.`);
  let skipped = 0;
  for (const f of t.files) {
    const target = inside(dest, f.path);
    if (!target) {
      skipped++;
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(storedFile(ctx, f.hash), target, fs.constants.COPYFILE_EXCL);
  }
  void vscode.window.showInformationMessage(
    `Trackside: saved ${t.files.length - skipped} file${t.files.length - skipped === 1 ? '' : 's'} into ${dest}${skipped ? `; ${skipped} with unsafe paths skipped` : ''}.`,
  );
}
