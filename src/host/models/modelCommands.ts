// Commands of the Models view: open a version's panel, move an alias, register a run's
// artifact as a model version. Each asks for what its argument does not say.
import * as vscode from 'vscode';
import { checkAlias, checkModelName, isValidAlias, isValidModelName, LATEST } from '../../core/models/modelNames';
import { writeAlias } from '../../core/models/registryWrite';
import { runIdsOf } from '../runExplorer';
import type { ModelService } from './modelService';
import type { ModelNode } from './modelsView';
import { formatBytes } from '../../core/display';

export interface VersionRef {
  name: string;
  version: number;
}

/** A version from a command argument: a view node, "churn@3", or { name, version }. */
export async function versionOf(models: ModelService, arg: unknown): Promise<VersionRef | { name: string } | undefined> {
  if (typeof arg === 'string') {
    try {
      const v = await models.index.call('resolveModelRef', arg);
      return { name: v.name, version: v.version };
    } catch {
      return undefined;
    }
  }
  const node = arg as ModelNode | (VersionRef & { kind?: undefined }) | undefined;
  if (!node || typeof node !== 'object') return undefined;
  if (node.kind === 'version') return { name: node.version.name, version: node.version.version };
  if (node.kind === 'evaluation') return { name: node.name, version: node.version };
  if (node.kind === 'model') return { name: node.model.name };
  if (node.kind === 'team' || node.kind === 'teamModel' || node.kind === 'teamVersion') {
    throw new Error("the team's models are read only here: a model version is registered and its aliases are set in the workspace that logged it, then pushed");
  }
  if (typeof node.name === 'string' && Number.isInteger(node.version)) return { name: node.name, version: node.version };
  return undefined;
}

export async function pickModel(models: ModelService, title: string): Promise<string | undefined> {
  const all = await models.index.call('listModels');
  if (all.length === 0) {
    void vscode.window.showInformationMessage('Trackside: there are no model versions yet. Log one with run.log_model(…) or use Register as Model Version on a run.');
    return undefined;
  }
  if (all.length === 1) return all[0].name;
  const picked = await vscode.window.showQuickPick(
    all.map((m) => ({ label: m.name, description: `${m.versions} version${m.versions === 1 ? '' : 's'}` })),
    { title, placeHolder: 'Model' },
  );
  return picked?.label;
}

export async function pickVersion(models: ModelService, name: string, title: string): Promise<number | undefined> {
  const versions = await models.index.call('listVersions', name);
  if (versions.length === 1) return versions[0].version;
  const picked = await vscode.window.showQuickPick(
    versions.map((v) => ({
      label: `v${v.version}`,
      description: v.aliases.join(', '),
      detail: `run ${v.runName ?? v.runId ?? '—'} · ${v.evaluations} evaluation${v.evaluations === 1 ? '' : 's'}`,
      version: v.version,
    })),
    { title, placeHolder: `Version of ${name}` },
  );
  return picked?.version;
}

/** Resolves a command argument to a version, asking for what is missing. */
export async function askVersion(models: ModelService, arg: unknown, title: string): Promise<VersionRef | undefined> {
  const got = await versionOf(models, arg);
  const name = got?.name ?? (await pickModel(models, title));
  if (!name) return undefined;
  if (got && 'version' in got) return got;
  const version = await pickVersion(models, name, title);
  return version === undefined ? undefined : { name, version };
}

export async function setAlias(models: ModelService, target: VersionRef): Promise<void> {
  const { name, version } = target;
  const current = (await models.index.call('listModels')).find((m) => m.name === name)?.aliases ?? {};
  type Item = vscode.QuickPickItem & { alias?: string; remove?: boolean; other?: boolean };
  const items: Item[] = [];
  for (const alias of [...new Set(['production', 'staging', ...Object.keys(current)])]) {
    const at = current[alias];
    if (at === version) continue;
    items.push({ label: alias, description: at === undefined ? 'new' : `now v${at}`, alias });
  }
  items.push({ label: '$(add) Another alias…', other: true });
  for (const [alias, at] of Object.entries(current)) {
    if (at === version) items.push({ label: `$(close) Remove ${alias}`, description: `from v${version}`, alias, remove: true });
  }
  const picked = await vscode.window.showQuickPick(items, { title: `Set Model Alias: ${name} v${version}`, placeHolder: `Point an alias at v${version}` });
  if (!picked) return;
  let alias = picked.alias;
  if (picked.other) {
    alias = await vscode.window.showInputBox({
      title: `Set Model Alias: ${name} v${version}`,
      prompt: 'Alias name (letters, digits, "_", "-", "."; not only digits)',
      validateInput: (v) => (v === LATEST ? '"latest" always means the highest version' : isValidAlias(v) ? undefined : 'Use letters, digits, "_", "-", "." (not only digits)'),
    });
  }
  if (!alias) return;
  checkAlias(alias);
  writeAlias(models.root, name, alias, picked.remove ? null : version);
  await models.written();
  void vscode.window.showInformationMessage(picked.remove ? `Trackside: removed ${name}@${alias}.` : `Trackside: ${name}@${alias} → v${version}.`);
}

async function pickRun(models: ModelService): Promise<string | undefined> {
  const runs = await models.index.call('listRuns', { limit: 1000 });
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: r.name ?? r.id, description: [r.status, r.experiment].filter(Boolean).join(' · '), detail: r.id, id: r.id })),
    { title: 'Register as Model Version', placeHolder: 'The run that produced the model', matchOnDetail: true },
  );
  return picked?.id;
}

/** Register as Model Version: from a run (explorer node or id) or { runId, hash }. */
export async function registerFromRun(models: ModelService, arg: unknown): Promise<VersionRef | undefined> {
  const direct = arg as { runId?: unknown; hash?: unknown } | undefined;
  const runId = typeof direct?.runId === 'string' ? direct.runId : (runIdsOf(arg)?.[0] ?? (await pickRun(models)));
  if (!runId) return undefined;
  const run = await models.index.call('getRun', runId);
  if (!run) throw new Error(`no run ${runId} in the index`);
  const candidates = await models.index.call('registerCandidates', runId);
  let hash = typeof direct?.hash === 'string' ? direct.hash : undefined;
  let suggested: string | undefined;
  if (!hash) {
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`Trackside: run "${run.name ?? run.id}" has no artifact that is not a model version already. Log one with run.log_artifact(…).`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((c) => ({
        label: c.label,
        description: `${c.kind === 'model' ? `model ${c.model ?? ''}` : 'artifact'} · ${formatBytes(c.size)}`,
        detail: `sha256 ${c.hash}`,
        c,
      })),
      { title: 'Register as Model Version', placeHolder: 'The weights: which artifact?' },
    );
    if (!picked) return undefined;
    hash = picked.c.hash;
    suggested = picked.c.model;
  }
  const existing = (await models.index.call('listModels')).map((m) => m.name);
  const name = await vscode.window.showInputBox({
    title: 'Register as Model Version',
    prompt: `Model name${existing.length ? ` (existing: ${existing.join(', ')})` : ''}`,
    value: suggested ?? existing[0] ?? '',
    validateInput: (v) => (isValidModelName(v) ? undefined : 'Use letters, digits, "_", "-", "." (not starting with "_", "-" or ".")'),
  });
  if (!name) return undefined;
  checkModelName(name);
  let codePaths: string[] | undefined;
  if (run.code.length) {
    const picked = await vscode.window.showQuickPick(
      run.code.map((c) => ({ label: c.path, description: formatBytes(c.size) })),
      { title: 'Register as Model Version', placeHolder: 'Inference and preprocessing code shipped with it (from the run\u2019s code snapshot)', canPickMany: true },
    );
    if (!picked) return undefined;
    codePaths = picked.length ? picked.map((p) => p.label) : undefined;
  }
  const version = await models.index.call('registerVersion', { runId, hash, name, codePaths });
  await models.written();
  return { name, version };
}
