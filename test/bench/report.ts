// One benchmark figure, printed as a line of text or (with --json) one JSON object per line,
// and the Markdown table of a whole run (test/bench/RESULTS.md).
import { cpus, totalmem } from 'node:os';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The same work done the plain way, measured in the same run. */
  baseline: number;
  /** value / baseline. */
  ratio: number;
  /** Human-readable target, e.g. "<= 50 ms" or ">= 250000 points/s and ratio >= 0.7". */
  target: string;
  pass: boolean;
}

export function figure(
  name: string,
  value: number,
  unit: string,
  baseline: number,
  target: string,
  pass: (value: number, ratio: number) => boolean,
): Figure {
  const ratio = baseline === 0 ? Number.NaN : value / baseline;
  return { name, value: round(value), unit, baseline: round(baseline), ratio: round(ratio), target, pass: pass(value, ratio) };
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}

export function print(f: Figure, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(f) + '\n');
    return;
  }
  const mark = f.pass ? 'ok  ' : 'MISS';
  process.stdout.write(
    `${mark} ${f.name}: ${f.value} ${f.unit} (baseline ${f.baseline} ${f.unit}, ratio ${f.ratio}; target ${f.target})\n`,
  );
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The figures as a Markdown table, with the machine and date above it. */
export function markdown(figures: Figure[], date = new Date()): string {
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, SQLite ${process.versions.sqlite ?? ''}`.replace(/, SQLite $/, '');
  const missed = figures.filter((f) => !f.pass).length;
  return [
    '# Benchmark results',
    '',
    `Machine: ${machine}. Date: ${date.toISOString().slice(0, 10)}. Written by \`npm run bench -- --markdown\`.`,
    `${figures.length} figures, ${missed === 0 ? 'every target met' : `${missed} missed`}.`,
    '',
    '| figure | value | baseline | ratio | target | status |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...figures.map((f) => `| ${cell(f.name.trim())} | ${f.value} ${f.unit} | ${f.baseline} ${f.unit} | ${f.ratio} | ${cell(f.target)} | ${f.pass ? 'met' : '**missed**'} |`),
    '',
  ].join('\n');
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
