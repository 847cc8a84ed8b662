// The queue's scheduling overhead per trial: ms from one trial's final status to the next
// trial's first event, concurrency 1, ten trials of a script that logs one value. Baseline:
// the same runs started one after another by a plain loop around startRun.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunLogEvent } from '../../src/core/events';
import { readEvents } from '../../src/core/eventReader';
import { runDir } from '../../src/core/paths';
import { eventsPath } from '../../src/core/paths';
import { startRun } from '../../src/core/runner/startRun';
import { directLauncher } from '../../src/core/sweeps/directLauncher';
import { newSweepFromFile } from '../../src/core/sweeps/newSweep';
import { SweepScheduler } from '../../src/core/sweeps/sweepScheduler';
import { readSweep } from '../../src/core/sweeps/sweepState';
import { figure, median } from './report';
import type { Figure } from './report';

const PYTHON = '/usr/bin/python3';
const CLIENT = join(__dirname, '../../src/python');
const TRIALS = 10;
const RUN = { sysInterval: 0, git: false as const, snapshot: false as const };

function span(root: string, id: string): [number, number] {
  const events = readEvents(eventsPath(runDir(root, id))).events as RunLogEvent[];
  return [events[0].t, events.filter((e) => e.type === 'status').at(-1)!.t];
}

function gaps(root: string, ids: string[]): number[] {
  const spans = ids.map((id) => span(root, id));
  return spans.slice(1).map(([start], i) => start - spans[i][1]);
}

export async function run(): Promise<Figure[]> {
  const ws = mkdtempSync(join(tmpdir(), 'ts-bench-sweep-'));
  try {
    copyFileSync(join(__dirname, '../fixtures/sweeps/quadratic.py'), join(ws, 'quadratic.py'));
    writeFileSync(join(ws, 'b.sweep.yaml'), `program: quadratic.py\nmethod: grid\nargs: [--steps, "1"]\nparameters:\n  x: [${Array.from({ length: TRIALS }, (_, i) => i).join(', ')}]\n`);
    const root = join(ws, '.trackside');
    const sweep = newSweepFromFile(root, join(ws, 'b.sweep.yaml'), ws);
    const scheduler = new SweepScheduler({ root, id: sweep.id, launcher: directLauncher({ root, python: PYTHON, clientPath: CLIENT, run: RUN }), clientPath: CLIENT });
    scheduler.start();
    await scheduler.done;
    scheduler.dispose();
    const queued = gaps(root, readSweep(root, sweep.id)!.trials.map((t) => t.runId!));

    const plain: string[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const h = await startRun({ ...RUN, root, workspaceDir: ws, program: 'quadratic.py', args: ['--steps', '1'], params: { x: i }, interpreter: PYTHON, clientPath: CLIENT });
      await h.onExit;
      plain.push(h.id);
    }
    const direct = gaps(root, plain);
    return [figure('sweep queue: a trial\'s end to the next one\'s start (median of 9)', median(queued), 'ms', median(direct), '<= 200 ms', (v) => v <= 200)];
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}
