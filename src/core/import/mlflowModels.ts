// MLflow models as Trackside model versions (src/core/models): the registry of the file store
//   mlruns/models/<name>/meta.yaml, version-<n>/meta.yaml (version, source, run_id,
//   current_stage, creation_timestamp), version-<n>/tags/<key>, aliases/<alias> (a version)
// and MLflow 3 logged models
//   mlruns/<experiment>/models/<model id>/meta.yaml (model_id, name, source_run_id,
//   creation_timestamp, artifact_location) with the model's files in artifacts/.
// A registered version becomes a version of the model of that name (its stage and tags in
// the version's metadata), a logged model that no version names becomes a version of a model
// of its own name, and aliases become aliases. Their files are read only from inside the
// folder being imported. What was registered is remembered in .trackside/imports/, so
// importing again registers nothing twice.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { appendJsonLine } from '../appendLine';
import { basename, dirname, join } from 'node:path';
import type { FileEntry, ModelEvent } from '../events';
import { eventsPath, runDir } from '../paths';
import { isValidAlias } from '../models/modelNames';
import { claimVersion, writeAlias } from '../models/registryWrite';
import { importsDir } from './importState';
import { findArtifactDir, manifestHash, storeFolder } from './mlflowArtifacts';
import type { MlflowContext } from './mlflowRun';
import { type MetaYaml, metaInt, metaString, readMetaYaml } from './mlflowYaml';
import { subdirs } from '../listFiles';

export interface ModelSources {
  /** mlruns/models, when the whole store is imported. */
  registry?: string;
  experiments: string[];
}

interface Marks {
  versions: Record<string, { name: string; version: number }>;
  aliases: Record<string, number>;
}

function marksFile(root: string): string {
  return join(importsDir(root), 'mlflow-models.json');
}

function loadMarks(root: string): Marks {
  try {
    const m = JSON.parse(readFileSync(marksFile(root), 'utf8')) as Marks;
    return { versions: m.versions ?? {}, aliases: m.aliases ?? {} };
  } catch {
    return { versions: {}, aliases: {} };
  }
}

function saveMarks(root: string, m: Marks): void {
  mkdirSync(importsDir(root), { recursive: true });
  writeFileSync(marksFile(root), JSON.stringify(m) + '\n');
}

/** A Trackside model name for an MLflow one (Trackside allows fewer characters). */
export function modelName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 100);
  return /^[A-Za-z0-9]/.test(s) ? s : `m${s}`.slice(0, 100);
}

function safeMeta(dir: string, ctx: MlflowContext): MetaYaml | undefined {
  try {
    return readMetaYaml(dir);
  } catch (e) {
    ctx.report.warnings.push({ path: join(dir, 'meta.yaml'), message: `${(e as Error).message}: left out` });
    return undefined;
  }
}

function textFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const d of readdirSync(dir, { withFileTypes: true })) if (d.isFile()) out[d.name] = readFileSync(join(dir, d.name), 'utf8').trim();
  } catch {
    // none
  }
  return out;
}

interface LoggedModel {
  id: string;
  name: string;
  runUuid: string | null;
  created: number | null;
  files: string | null;
}

function loggedModels(ctx: MlflowContext, experiments: string[]): Map<string, LoggedModel> {
  const out = new Map<string, LoggedModel>();
  for (const exp of experiments) {
    for (const dir of subdirs(join(exp, 'models'))) {
      const m = safeMeta(dir, ctx);
      const id = metaString(m, 'model_id');
      if (!m || !id) continue;
      out.set(id, {
        id,
        name: metaString(m, 'name') ?? id,
        runUuid: metaString(m, 'source_run_id'),
        created: metaInt(m, 'creation_timestamp'),
        files: findArtifactDir(
          { uri: metaString(m, 'artifact_location'), runUuid: id, base: dir, nextTo: [join(dir, 'artifacts')], within: ctx.within, where: dir },
          ctx.report,
        ),
      });
    }
  }
  return out;
}

/** Where a registered version's files are: a logged model, a run's artifacts, or a path inside the import. */
function versionFiles(source: string, logged: Map<string, LoggedModel>, experiments: string[], ctx: MlflowContext, where: string): string | null {
  const model = /^models:\/(m-[^/]+)/.exec(source);
  if (model) return logged.get(model[1])?.files ?? null;
  const run = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
  if (run) {
    for (const exp of experiments) {
      const p = join(exp, run[1], 'artifacts', ...run[2].split('/').filter(Boolean));
      if (existsSync(p)) return p;
    }
    return null;
  }
  const uuid = /\/([0-9a-f]{32})\/artifacts\//.exec(source)?.[1] ?? '';
  return findArtifactDir({ uri: source, runUuid: uuid, base: dirname(where), nextTo: [], storeRoots: [...new Set(experiments.map((e) => dirname(e)))], within: ctx.within, where }, ctx.report);
}

async function register(
  ctx: MlflowContext,
  marks: Marks,
  origin: string,
  name: string,
  files: string,
  t: number,
  runUuid: string | null,
  metadata: Record<string, unknown>,
): Promise<void> {
  const { root, report } = ctx;
  let entries: FileEntry[];
  let hash: string;
  let weights = basename(files);
  if (statSync(files).isFile()) {
    entries = await storeFolder(root, dirname(files), ctx.within, report);
    entries = entries.filter((f) => f.path === basename(files));
    hash = entries[0]?.hash ?? '';
  } else {
    entries = await storeFolder(root, files, ctx.within, report);
    hash = manifestHash(entries);
    if (weights === 'artifacts') weights = name;
  }
  if (!entries.length) {
    report.warnings.push({ path: files, message: `model ${name}: no files to register; left out` });
    return;
  }
  const run = runUuid ? ctx.parentId(runUuid) : undefined;
  const body: Omit<ModelEvent, 'version'> = {
    t,
    type: 'model',
    name,
    hash,
    size: entries.reduce((n, f) => n + f.size, 0),
    ...(statSync(files).isFile() ? {} : { files: entries }),
    weights,
    code: [],
    metadata,
  };
  const version = claimVersion(root, { ...body, ...(run ? { run } : {}), source: 'import' });
  marks.versions[origin] = { name, version };
  saveMarks(root, marks);
  if (run && existsSync(eventsPath(runDir(root, run)))) appendJsonLine(eventsPath(runDir(root, run)), { ...body, version });
}

export async function importMlflowModels(ctx: MlflowContext, src: ModelSources): Promise<void> {
  const { root, report } = ctx;
  const logged = loggedModels(ctx, src.experiments);
  const marks = loadMarks(root);
  const usedLogged = new Set<string>();
  for (const modelDir of src.registry ? subdirs(src.registry) : []) {
    const rm = safeMeta(modelDir, ctx);
    const mlflowName = metaString(rm, 'name') ?? basename(modelDir);
    const name = modelName(mlflowName);
    if (name !== mlflowName) report.warnings.push({ path: modelDir, message: `model "${mlflowName}" registered as "${name}" (Trackside names allow letters, digits, "_", "-" and ".")` });
    const versions = new Map<number, number>(); // MLflow version → Trackside version
    for (const vdir of subdirs(modelDir).filter((d) => /^version-\d+$/.test(basename(d))).sort((a, b) => Number(basename(a).slice(8)) - Number(basename(b).slice(8)))) {
      const vm = safeMeta(vdir, ctx);
      if (!vm) continue;
      const v = metaInt(vm, 'version') ?? Number(basename(vdir).slice(8));
      const stage = metaString(vm, 'current_stage');
      const source = metaString(vm, 'source') ?? metaString(vm, 'storage_location') ?? '';
      const fromModel = /^models:\/(m-[^/]+)/.exec(source)?.[1];
      if (fromModel) usedLogged.add(fromModel);
      if (stage === 'Deleted_Internal') continue;
      const origin = `mlflow-model:${mlflowName}/${v}`;
      const done = marks.versions[origin];
      if (done) {
        versions.set(v, done.version);
        continue;
      }
      const files = versionFiles(source, logged, src.experiments, ctx, vdir);
      if (!files) {
        report.warnings.push({ path: vdir, message: `model ${mlflowName} version ${v}: its files (${source || 'no source'}) are not inside what was imported; left out` });
        continue;
      }
      const tags = textFiles(join(vdir, 'tags'));
      if (stage && stage !== 'None') tags['mlflow.stage'] = stage;
      await register(ctx, marks, origin, name, files, metaInt(vm, 'creation_timestamp') ?? 0, metaString(vm, 'run_id') ?? (fromModel ? logged.get(fromModel)?.runUuid ?? null : null), {
        tags,
        mlflow: { name: mlflowName, version: v, source },
      });
      const mark = marks.versions[origin];
      if (mark) versions.set(v, mark.version);
    }
    for (const [alias, text] of Object.entries(textFiles(join(modelDir, 'aliases')))) {
      const target = versions.get(Number(text));
      const key = `${name}@${alias}`;
      if (target === undefined || marks.aliases[key] === target) continue;
      if (!isValidAlias(alias) || alias === 'latest') {
        report.warnings.push({ path: join(modelDir, 'aliases', alias), message: `alias "${alias}" cannot be a Trackside alias; left out` });
        continue;
      }
      writeAlias(root, name, alias, target);
      marks.aliases[key] = target;
      saveMarks(root, marks);
    }
  }
  for (const m of logged.values()) {
    const origin = `mlflow-logged-model:${m.id}`;
    if (usedLogged.has(m.id) || marks.versions[origin]) continue;
    if (!m.files) {
      report.warnings.push({ path: m.id, message: `logged model ${m.name}: its files are not inside what was imported; left out` });
      continue;
    }
    await register(ctx, marks, origin, modelName(m.name), m.files, m.created ?? 0, m.runUuid, { mlflow: { model_id: m.id, name: m.name } });
  }
}
