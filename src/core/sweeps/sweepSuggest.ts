// Trials of grid and random sweeps, worked out in full when the sweep starts (so the queue can
// show them). Random draws come from a seeded generator: the same seed gives the same trials.
import { seededRandom } from '../seededRandom';
import type { ParamValue } from '../events';
import type { ParamSpace, SweepSpec } from './sweepSpec';

export type TrialParams = Record<string, ParamValue>;

/** Every point of the grid, the last parameter varying fastest, up to the sweep's run_cap. */
export function gridTrials(spec: SweepSpec): TrialParams[] {
  const entries = Object.entries(spec.parameters).map(([key, space]) => [key, gridValues(space)] as const);
  const out: TrialParams[] = [];
  const walk = (i: number, acc: TrialParams): void => {
    if (out.length >= spec.runCap) return;
    if (i === entries.length) {
      out.push({ ...acc });
      return;
    }
    const [key, values] = entries[i];
    for (const v of values) walk(i + 1, { ...acc, [key]: v });
  };
  walk(0, {});
  return out;
}

function gridValues(space: ParamSpace): ParamValue[] {
  if (space.kind === 'values') return space.values;
  if (space.kind === 'int_uniform') return Array.from({ length: space.max - space.min + 1 }, (_, i) => space.min + i);
  throw new Error(`A grid cannot enumerate a ${space.kind} parameter.`);
}

/** run_cap trials drawn with the sweep's seed. */
export function randomTrials(spec: SweepSpec): TrialParams[] {
  const next = seededRandom(spec.seed);
  const out: TrialParams[] = [];
  for (let i = 0; i < spec.runCap; i++) {
    const trial: TrialParams = {};
    for (const [key, space] of Object.entries(spec.parameters)) trial[key] = draw(space, next);
    out.push(trial);
  }
  return out;
}

function draw(space: ParamSpace, next: () => number): ParamValue {
  const u = next();
  switch (space.kind) {
    case 'values':
      return space.values[Math.floor(u * space.values.length)];
    case 'uniform':
      return space.min + u * (space.max - space.min);
    case 'log_uniform':
      return Math.exp(Math.log(space.min) + u * (Math.log(space.max) - Math.log(space.min)));
    case 'int_uniform':
      return space.min + Math.floor(u * (space.max - space.min + 1));
  }
}
