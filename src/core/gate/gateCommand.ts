// `trackside gate`: what a pipeline calls between training and deploying. Reads what was
// logged since the last ingest, decides, promotes on a pass when asked, writes the report
// (file, GitHub job summary, step outputs) and the verdict into the model's gate log, and
// exits 0 pass / 1 fail / 2 usage / 3 missing data.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DegradationSettings } from '../models/degradation';
import { DEFAULT_TOLERANCE } from '../models/degradation';
import { syncModels } from '../models/modelSync';
import { ingestAll } from '../ingest';
import { toJsonText } from '../jsonText';
import type { Store } from '../store';
import { GATE_HELP, type GateArgs, parseGateArgs } from './gateArgs';
import { ciRun, writeGithubOutputs } from './gateCi';
import { formatDelta, formatPsi, formatValue } from './gateFormat';
import { promote, recordGate, gateSummary } from './gateRecord';
import { gateMarkdown } from './gateReport';
import { GateUsageError, versionLabel } from './gateSides';
import { GATE_EXIT, type GateResult } from './gateTypes';
import { decideGate, emptyResult } from './runGate';
import { degradationSettingsOf, workspaceOf } from './workspaceSettings';

export interface GateIo {
  /** Text for a person (escaped by the caller) and exact JSON. */
  out(text: string): void;
  outJson(text: string): void;
  err(text: string): void;
  /** An --evaluate command's own output, passed through as it comes. */
  progress(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Folder holding the bundled Python client. */
  clientPath?: string;
  /** The .trackside folder, or undefined when there is none. */
  findRoot(): string | undefined;
  openStore(root: string): Store;
}

function settingsFor(root: string, io: GateIo): DegradationSettings {
  try {
    return degradationSettingsOf(workspaceOf(root));
  } catch (e) {
    io.err(`trackside: .vscode/settings.json does not parse (${(e as Error).message}); using a tolerance of ${DEFAULT_TOLERANCE}\n`);
    return { tolerance: DEFAULT_TOLERANCE, overrides: {} };
  }
}

function text(r: GateResult): string {
  const lines: string[] = [];
  const data = r.dataset ? ` on ${r.dataset.path ?? r.dataset.name ?? 'data'} (sha256 ${r.dataset.hash.slice(0, 12)})` : '';
  const cand = r.candidate ? versionLabel(r.model, r.candidate) : r.model;
  const against = r.mode === 'compare' && r.baseline ? ` against v${r.baseline.version}${r.baseline.aliases.length ? ` (${r.baseline.aliases.join(', ')})` : ''}` : ' against its first evaluation';
  lines.push(`${r.verdict === 'missing' ? 'MISSING DATA' : r.verdict.toUpperCase()}  ${cand}${r.verdict === 'missing' ? '' : `${against}${data}`}`);
  const width = Math.max(0, ...r.metrics.map((m) => m.key.length));
  for (const m of r.metrics) {
    const change = r.mode === 'compare' || m.change === null ? formatDelta(m.delta) : `${+Math.abs(m.change * 100).toFixed(1)} % ${m.change > 0 ? 'worse' : 'better'}`;
    lines.push(`  ${m.key.padEnd(width)}  ${formatValue(m.baseline)} → ${formatValue(m.candidate)}  ${change}  (${m.direction} is better)  ${m.pass ? 'pass' : 'FAIL'}`);
  }
  const drifted = r.drift.columns.filter((c) => c.level !== 'stable' || !c.pass);
  if (drifted.length) lines.push(`  drift (PSI): ${drifted.slice(0, 8).map((c) => `${c.column} ${formatPsi(c.psi)} ${c.level}${c.pass ? '' : ' FAIL'}`).join(', ')}`);
  if (r.verdict !== 'pass') lines.push(r.verdict === 'fail' ? 'Why:' : 'Missing:', ...r.reasons.map((x) => `  ${x}`));
  if (r.promotion) lines.push(`Promoted ${r.model}@${r.promotion.alias} → v${r.promotion.version}${r.promotion.previous === null ? '' : ` (was v${r.promotion.previous})`}.`);
  if (r.reportFile) lines.push(`Report: ${r.reportFile}`);
  return `${lines.join('\n')}\n`;
}

function finish(r: GateResult, args: GateArgs, io: GateIo, markdown: string): number {
  if (args.report) {
    r.reportFile = resolve(io.cwd, args.report);
    writeFileSync(r.reportFile, markdown);
  }
  writeGithubOutputs(io.env, markdown, {
    verdict: r.verdict,
    'exit-code': String(r.exitCode),
    summary: r.verdict === 'missing' ? (r.reasons[0] ?? '') : gateSummary(r),
    ...(r.reportFile ? { report: r.reportFile } : {}),
  });
  if (args.json) io.outJson(`${toJsonText(r, 2)}\n`);
  else io.out(text(r));
  return r.exitCode;
}

async function gate(args: GateArgs, io: GateIo): Promise<number> {
  const root = io.findRoot();
  const ci = await ciRun(io.env, io.cwd);
  if (!root) {
    const r = { ...emptyResult(args, Date.now()), ...ci };
    r.reasons = [`no .trackside folder in ${io.cwd} or above it (or TRACKSIDE_HOME): nothing was logged here`];
    return finish(r, args, io, gateMarkdown(r));
  }
  const store = io.openStore(root);
  try {
    const ingested = ingestAll(store);
    if (ingested.badTotal) io.err(`trackside: skipped ${ingested.badTotal} malformed event line(s); "trackside ingest" lists them.\n`);
    for (const b of syncModels(store).bad.slice(0, 10)) io.err(`trackside: skipped ${b.file}:${b.line}: ${b.message}\n`);
    const r = await decideGate(args, {
      store,
      cwd: io.cwd,
      env: io.env,
      clientPath: io.clientPath,
      settings: settingsFor(root, io),
      onOutput: (t) => io.progress(t),
      now: Date.now(),
    });
    r.commit = ci.commit;
    r.url = ci.url;
    if (args.promote) promote(store, r, args.promote);
    const markdown = gateMarkdown(r, args.promote);
    await recordGate(store, r, markdown);
    syncModels(store);
    return finish(r, args, io, markdown);
  } finally {
    store.close();
  }
}

/** Runs `trackside gate …`; errors other than usage and missing data are thrown. */
export async function gateCommand(argv: string[], io: GateIo): Promise<number> {
  try {
    const args = parseGateArgs(argv);
    if (args === 'help') {
      io.out(GATE_HELP);
      return GATE_EXIT.pass;
    }
    return await gate(args, io);
  } catch (e) {
    if (!(e instanceof GateUsageError)) throw e;
    io.err(`trackside: ${e.message}\nRun "trackside gate --help" for usage.\n`);
    return GATE_EXIT.usage;
  }
}
