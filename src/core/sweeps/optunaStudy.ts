// The sweep's side of src/python/trackside_sweep/optuna_study.py: one Python process per
// scheduled sweep, one JSON line per request and per answer, matched by id.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ParamValue } from '../events';
import type { SweepSpec } from './sweepSpec';

export class OptunaMissingError extends Error {
  override readonly name = 'OptunaMissingError';
  constructor(readonly python: string) {
    super(
      `Optuna is not installed for ${python}, which bayes sweeps and early termination need. ` +
        `Install it with \`${python} -m pip install optuna\`, or for Debian/Ubuntu's system Python with \`sudo apt-get install python3-optuna\`.`,
    );
  }
}

export interface OptunaStudyOptions {
  python: string;
  /** Folder holding the trackside_sweep package (the bundled Python sources). */
  clientPath: string;
  /** The sweep's folder: the study is kept in optuna.db there. */
  dir: string;
  study: string;
  spec: SweepSpec;
}

type Answer = Record<string, unknown> & { id?: number; error?: string };

export class OptunaStudy {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();
  private exited: Error | undefined;

  private constructor(private readonly child: ChildProcess) {}

  /** Starts the process and waits for it to load (or not find) Optuna and the study. */
  static async open(opts: OptunaStudyOptions): Promise<OptunaStudy> {
    const { spec } = opts;
    const args = [
      join(opts.clientPath, 'trackside_sweep', 'optuna_study.py'),
      '--storage', join(opts.dir, 'optuna.db'),
      '--study', opts.study,
      '--space', JSON.stringify(spec.parameters),
      '--goal', spec.metric?.goal ?? 'minimize',
      '--seed', String(spec.seed),
      ...(spec.earlyTerminate ? ['--prune-min-steps', String(spec.earlyTerminate.minSteps), '--prune-min-trials', String(spec.earlyTerminate.minTrials)] : []),
    ];
    const child = spawn(opts.python, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const study = new OptunaStudy(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const lines = createInterface({ input: child.stdout! });
    const ready = new Promise<Answer>((resolve, reject) => {
      let first = true;
      lines.on('line', (line) => {
        let msg: Answer;
        try {
          msg = JSON.parse(line) as Answer;
        } catch {
          return; // not ours (a library printing): answers are whole JSON lines
        }
        if (first) {
          first = false;
          resolve(msg);
          return;
        }
        const w = msg.id === undefined ? undefined : study.waiting.get(msg.id);
        if (!w) return;
        study.waiting.delete(msg.id!);
        if (msg.error) w.reject(new Error(`Optuna: ${msg.error}`));
        else w.resolve(msg);
      });
      const gone = (err: Error): void => {
        study.exited = err;
        reject(err);
        for (const w of study.waiting.values()) w.reject(err);
        study.waiting.clear();
      };
      child.once('error', (e) => gone(new Error(`Could not start ${opts.python} for Optuna: ${e.message}`)));
      child.once('exit', (code) => gone(new Error(`The Optuna process ended (exit code ${code})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`)));
    });
    child.stdin!.on('error', () => undefined); // a dead process is reported through exit
    const first = await ready;
    if (first.missing) {
      study.close();
      throw new OptunaMissingError(typeof first.python === 'string' ? first.python : opts.python);
    }
    return study;
  }

  private request(op: string, body: Record<string, unknown> = {}): Promise<Answer> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.stdin!.write(JSON.stringify({ id, op, ...body }) + '\n');
    });
  }

  async ask(): Promise<{ number: number; params: Record<string, ParamValue> }> {
    const a = await this.request('ask');
    return { number: a.number as number, params: a.params as Record<string, ParamValue> };
  }

  async askFixed(params: Record<string, ParamValue>): Promise<number> {
    return (await this.request('ask_fixed', { params })).number as number;
  }

  /** Reports an intermediate value; true when the median pruner says stop. */
  async report(number: number, step: number, value: number): Promise<boolean> {
    return (await this.request('report', { number, step, value })).prune === true;
  }

  async tell(number: number, state: 'complete' | 'pruned' | 'fail', value?: number | null): Promise<void> {
    await this.request('tell', { number, state, ...(value !== undefined && value !== null && Number.isFinite(value) ? { value } : {}) });
  }

  async importance(trials: { params: Record<string, ParamValue>; value: number }[]): Promise<Record<string, number>> {
    return (await this.request('importance', { trials })).importance as Record<string, number>;
  }

  close(): void {
    this.child.stdin!.end();
    if (this.child.exitCode === null) setTimeout(() => this.child.kill(), 5_000).unref();
  }
}
