// GPU samples through nvidia-smi's documented query interface:
//   nvidia-smi --query-gpu=index,utilization.gpu,memory.used,memory.total,power.draw
//              --format=csv,noheader,nounits
// prints one line per GPU such as "0, 45, 1024, 16384, 70.52"; a value the board cannot
// report reads "[N/A]" or "[Not Supported]" and is left out.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execText } from './execText';

export const NVIDIA_SMI_ARGS: readonly string[] = [
  '--query-gpu=index,utilization.gpu,memory.used,memory.total,power.draw',
  '--format=csv,noheader,nounits',
];

export interface GpuSample {
  index: number;
  /** Percent. */
  utilization?: number;
  /** MiB. */
  memoryUsedMb?: number;
  memoryTotalMb?: number;
  /** Watts. */
  powerW?: number;
}

export function parseNvidiaSmiCsv(text: string): GpuSample[] {
  const out: GpuSample[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map(parseCell);
    const index = cells[0];
    if (index === undefined || !Number.isInteger(index)) continue;
    const s: GpuSample = { index };
    if (cells[1] !== undefined) s.utilization = cells[1];
    if (cells[2] !== undefined) s.memoryUsedMb = cells[2];
    if (cells[3] !== undefined) s.memoryTotalMb = cells[3];
    if (cells[4] !== undefined) s.powerW = cells[4];
    out.push(s);
  }
  return out;
}

function parseCell(cell: string): number | undefined {
  // Units are off with "nounits", but tolerate them ("45 %", "1024 MiB", "70.5 W").
  const m = /^\s*([+-]?\d+(?:\.\d+)?)(?:\s*(?:%|MiB|W))?\s*$/.exec(cell);
  return m ? Number(m[1]) : undefined;
}

/** Keys of a `sys` event: gpu<i>/utilization, gpu<i>/memory_mb, gpu<i>/memory_percent, gpu<i>/power_w. */
export function gpuValues(samples: readonly GpuSample[]): Record<string, number> {
  const v: Record<string, number> = {};
  for (const g of samples) {
    const k = `gpu${g.index}`;
    if (g.utilization !== undefined) v[`${k}/utilization`] = g.utilization;
    if (g.memoryUsedMb !== undefined) v[`${k}/memory_mb`] = g.memoryUsedMb;
    if (g.memoryUsedMb !== undefined && g.memoryTotalMb) {
      v[`${k}/memory_percent`] = round1((100 * g.memoryUsedMb) / g.memoryTotalMb);
    }
    if (g.powerW !== undefined) v[`${k}/power_w`] = g.powerW;
  }
  return v;
}

/** The executable `name` on a PATH string (default process.env.PATH), or undefined. */
export function findOnPath(name: string, pathVar: string | undefined = process.env.PATH): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

export async function queryGpus(binary: string, timeoutMs = 5_000): Promise<GpuSample[] | undefined> {
  const res = await execText(binary, NVIDIA_SMI_ARGS, { timeoutMs });
  return res.code === 0 ? parseNvidiaSmiCsv(res.stdout) : undefined;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
