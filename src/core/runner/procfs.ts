// Linux /proc readers for the process tree of a run. Elsewhere (no /proc) they return
// nothing and the callers skip process sampling.
import { readdir, readFile } from 'node:fs/promises';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** USER_HZ: the unit of /proc times, 100 on every Linux the kernel ABI allows userspace to see. */
export const CLK_TCK = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks: own time plus reaped children's. */
  ticks: number;
  /** Start time in clock ticks after boot: with the pid, identifies one process. */
  startTicks: number;
  /** Resident pages (the same figure as statm's second field). */
  rssPages: number;
}

/** Parses /proc/<pid>/stat. The command name may hold spaces and parentheses, so fields
 * are counted from the last ")". */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  const open = text.indexOf('(');
  if (close < 0 || open < 0) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const f = text.slice(close + 2).trim().split(/\s+/);
  // f[0] is field 3 (state): field n is f[n - 3].
  const num = (n: number): number => Number(f[n - 3]);
  const s: ProcStat = {
    pid,
    ppid: num(4),
    ticks: num(14) + num(15) + num(16) + num(17),
    startTicks: num(22),
    rssPages: num(24),
  };
  return Object.values(s).every(Number.isFinite) ? s : undefined;
}

export async function readProcStat(pid: number, procRoot = '/proc'): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(await readFile(`${procRoot}/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

export function readProcStatSync(pid: number, procRoot = '/proc'): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`${procRoot}/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every process visible in /proc; those that vanish while reading are left out. */
export async function listProcesses(procRoot = '/proc'): Promise<ProcStat[]> {
  let names: string[];
  try {
    names = await readdir(procRoot);
  } catch {
    return [];
  }
  const pids = names.filter((n) => /^\d+$/.test(n)).map(Number);
  const stats = await Promise.all(pids.map((p) => readProcStat(p, procRoot)));
  return stats.filter((s): s is ProcStat => s !== undefined);
}

/** The root and all its descendants (by ppid). */
export function processTree(all: readonly ProcStat[], rootPid: number): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  let root: ProcStat | undefined;
  for (const p of all) {
    if (p.pid === rootPid) root = p;
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  if (!root) return [];
  const out: ProcStat[] = [];
  const queue = [root];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const p = queue.shift()!;
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    out.push(p);
    for (const c of children.get(p.pid) ?? []) queue.push(c);
  }
  return out;
}

/** Seconds since boot (/proc/uptime), or undefined without /proc. */
export function uptimeSeconds(procRoot = '/proc'): number | undefined {
  try {
    const v = Number(readFileSync(`${procRoot}/uptime`, 'utf8').split(/\s/)[0]);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function bootId(procRoot = '/proc'): string | undefined {
  try {
    return readFileSync(`${procRoot}/sys/kernel/random/boot_id`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

let cachedPageSize: number | undefined;

/** The kernel page size, from the first mapping in /proc/self/smaps (Node has no sysconf). */
export function pageSize(): number {
  if (cachedPageSize !== undefined) return cachedPageSize;
  cachedPageSize = 4096;
  try {
    const fd = openSync('/proc/self/smaps', 'r');
    try {
      const buf = Buffer.alloc(8192);
      const n = readSync(fd, buf, 0, buf.length, null);
      const m = /KernelPageSize:\s+(\d+)\s+kB/.exec(buf.toString('utf8', 0, n));
      if (m) cachedPageSize = Number(m[1]) * 1024;
    } finally {
      closeSync(fd);
    }
  } catch {
    // keep 4096
  }
  return cachedPageSize;
}
