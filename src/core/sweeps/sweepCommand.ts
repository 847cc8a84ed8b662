// `trackside sweep …`: sweeps from a terminal (a remote machine, a job script). `start` and
// `resume` schedule the queue in the foreground; `pause` and `cancel` change the sweep's file,
// which whoever schedules it (this CLI elsewhere, or the editor) follows.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatMetric } from '../display';
import { toJsonText } from '../jsonText';
import { runDir } from '../paths';
import { directLauncher, directStop } from './directLauncher';
import { newSweepFromFile } from './newSweep';
import { NotOwnerError, SweepScheduler, cancelState } from './sweepScheduler';
import { isActive, listSweeps, mayOwn, readSweep, updateSweep, type SweepState } from './sweepState';
import { SweepFileError } from './sweepSpec';

export const SWEEP_HELP = `Usage: trackside sweep <command>

  start FILE [--python PY]      Queue the sweep in FILE (*.sweep.yaml or .json) and run it
                                here until it ends; trials start with PY (default
                                $TRACKSIDE_PYTHON or python3), which bayes sweeps and early
                                termination also need Optuna in.
  status [SWEEP] [--json]       Every sweep, or one with its trials.
  pause SWEEP                   Start no more trials (running ones go on).
  resume SWEEP [--python PY]    Go on with a paused sweep, or one whose scheduler went away
                                (runs here until it ends).
  cancel SWEEP                  Stop the running trials and drop the queued ones.

SWEEP is a sweep's id, a unique id prefix or its name. Ctrl+C stops scheduling here and
leaves the trials running; "trackside sweep resume" (or the editor) picks them up.
`;

export interface SweepCommandIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The .trackside folder above cwd, if any. */
  findRoot(): string | undefined;
  clientPath: string;
}

const EXIT = { ok: 0, error: 1, usage: 2, noRoot: 3, interrupted: 130 } as const;

class Usage extends Error {}

export async function sweepCommand(args: string[], io: SweepCommandIo): Promise<number> {
  const [sub, ...rest] = args;
  try {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { python: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (!sub || sub === '--help' || sub === '-h' || values.help) {
      io.out(SWEEP_HELP);
      return sub ? EXIT.ok : EXIT.usage;
    }
    const python = values.python ?? io.env.TRACKSIDE_PYTHON ?? 'python3';
    if (sub === 'start') {
      if (positionals.length !== 1) throw new Usage('sweep start needs one sweep file.');
      const root = io.findRoot() ?? join(io.cwd, '.trackside');
      mkdirSync(root, { recursive: true });
      let sweep: SweepState;
      try {
        sweep = newSweepFromFile(root, positionals[0], dirname(root));
      } catch (err) {
        if (err instanceof SweepFileError) {
          io.err(`trackside: ${err.message}\n`);
          return EXIT.usage;
        }
        throw err;
      }
      io.out(`sweep ${sweep.id} (${sweep.name}): ${sweep.spec.method}, ${sweep.trials.length} trials queued, ${sweep.spec.concurrency} at a time\n`);
      return await schedule(root, sweep.id, python, io);
    }
    const root = io.findRoot();
    if (!root) {
      io.err(`trackside: no .trackside folder in ${io.cwd} or above it.\n`);
      return EXIT.noRoot;
    }
    if (sub === 'status') {
      const sweeps = positionals[0] ? [find(root, positionals[0])] : listSweeps(root);
      io.out(values.json ? toJsonText(sweeps) + '\n' : sweeps.map((s) => describe(s, positionals[0] !== undefined)).join('\n'));
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new Usage(`sweep ${sub} needs one sweep.`);
    const sweep = find(root, positionals[0]);
    switch (sub) {
      case 'pause':
        updateSweep(root, sweep.id, (s) => s.status === 'running' && (s.status = 'paused'));
        io.out(`sweep ${sweep.id} paused: no more trials start.\n`);
        return EXIT.ok;
      case 'cancel': {
        const s = updateSweep(root, sweep.id, cancelState);
        // Nobody schedules it: stop its trials from here.
        if (mayOwn(s)) await Promise.all(s.trials.filter((t) => isActive(t.status) && t.runId).map((t) => directStop(t.runId!, runDir(root, t.runId!))));
        io.out(`sweep ${sweep.id} cancelled.\n`);
        return EXIT.ok;
      }
      case 'resume':
        updateSweep(root, sweep.id, (s) => {
          if (s.status === 'paused' || s.status === 'running') s.status = 'running';
          delete s.message;
        });
        if (!mayOwn(readSweep(root, sweep.id)!)) {
          io.out(`sweep ${sweep.id} resumed; process ${sweep.owner?.pid} schedules it.\n`);
          return EXIT.ok;
        }
        return await schedule(root, sweep.id, python, io);
      default:
        throw new Usage(`Unknown sweep command "${sub}".`);
    }
  } catch (err) {
    if (err instanceof Usage || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`trackside: ${(err as Error).message}\n${SWEEP_HELP}`);
      return EXIT.usage;
    }
    io.err(`trackside: ${(err as Error).message}\n`);
    return EXIT.error;
  }
}

function find(root: string, ref: string): SweepState {
  const all = listSweeps(root);
  const hits = all.filter((s) => s.id === ref || s.id.startsWith(ref) || s.name === ref);
  const exact = hits.filter((s) => s.id === ref);
  if (exact.length === 1) return exact[0];
  if (hits.length === 1) return hits[0];
  if (hits.length === 0) throw new Error(`No sweep matches ${JSON.stringify(ref)}.`);
  throw new Error(`${JSON.stringify(ref)} matches ${hits.length} sweeps: ${hits.map((s) => s.id).join(', ')}`);
}

function describe(s: SweepState, trials: boolean): string {
  const done = s.trials.filter((t) => !isActive(t.status) && t.status !== 'queued').length;
  const head = `${s.id}  ${s.name}  ${s.spec.method}  ${s.status}  ${done}/${s.trials.length} done${s.message ? `  (${s.message})` : ''}\n`;
  if (!trials) return head;
  const metric = s.spec.metric?.name;
  return (
    head +
    s.trials
      .map((t) => {
        const params = Object.entries(t.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
        const value = metric && typeof t.value === 'number' ? `  ${metric} ${formatMetric(t.value)}` : '';
        return `  #${t.key}  ${t.status}${t.runId ? `  ${t.runId}` : ''}  ${params}${value}\n`;
      })
      .join('')
  );
}

/** Schedules the sweep here until it is finished or cancelled; Ctrl+C leaves its trials running. */
async function schedule(root: string, id: string, python: string, io: SweepCommandIo): Promise<number> {
  const launcher = directLauncher({ root, python, clientPath: io.clientPath, run: { onOutput: () => undefined } });
  const seen = new Map<number, string>();
  const scheduler = new SweepScheduler({
    root,
    id,
    launcher,
    clientPath: io.clientPath,
    onChange: (s) => {
      for (const t of s.trials) {
        if (seen.get(t.key) === t.status) continue;
        seen.set(t.key, t.status);
        if (t.status === 'queued' || t.status === 'starting') continue;
        const value = s.spec.metric && typeof t.value === 'number' ? ` ${s.spec.metric.name} ${formatMetric(t.value)}` : '';
        io.out(`trial #${t.key} ${t.status}${t.runId ? ` (run ${t.runId})` : ''}${value}${t.message ? `: ${t.message}` : ''}\n`);
      }
      if (s.message && s.status === 'paused') io.err(`trackside: ${s.message}\n`);
    },
    log: (m) => io.err(`${m}\n`),
  });
  try {
    scheduler.start();
  } catch (err) {
    if (err instanceof NotOwnerError) {
      io.err(`trackside: ${err.message}\n`);
      return EXIT.error;
    }
    throw err;
  }
  const interrupted = new Promise<'interrupted'>((resolve) => process.once('SIGINT', () => resolve('interrupted')));
  const how = await Promise.race([scheduler.done.then(() => 'done' as const), interrupted]);
  scheduler.dispose();
  const s = readSweep(root, id)!;
  if (how === 'interrupted') {
    io.err(`trackside: stopped scheduling sweep ${id}; its running trials go on. "trackside sweep resume ${id}" continues it.\n`);
    return EXIT.interrupted;
  }
  io.out(describe(s, false));
  return s.status === 'finished' ? EXIT.ok : EXIT.error;
}
