import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ProcessTreeSampler } from '../../src/core/runner/hardware';
import { parseProcStat, processTree } from '../../src/core/runner/procfs';
import type { ProcStat } from '../../src/core/runner/procfs';
import { SCRIPTS, waitFor } from '../fixtures/runner/helpers';

test('parses /proc/<pid>/stat, names with spaces and parentheses included', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  fields[0] = 'S';
  fields[1] = '77'; // ppid (field 4)
  fields[11] = '10'; // utime (14)
  fields[12] = '20'; // stime (15)
  fields[13] = '30'; // cutime (16)
  fields[14] = '40'; // cstime (17)
  fields[19] = '123456'; // starttime (22)
  fields[21] = '2048'; // rss pages (24)
  const s = parseProcStat(`4242 (python (train) x) ${fields.join(' ')}\n`);
  assert.deepEqual(s, { pid: 4242, ppid: 77, ticks: 100, startTicks: 123456, rssPages: 2048 });
  assert.equal(parseProcStat('garbage'), undefined);
});

test('the tree holds the root and every descendant, nothing else', () => {
  const p = (pid: number, ppid: number): ProcStat => ({ pid, ppid, ticks: 0, startTicks: 0, rssPages: 0 });
  const all = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(13, 10), p(20, 1), p(21, 20)];
  assert.deepEqual(processTree(all, 10).map((x) => x.pid).sort(), [10, 11, 12, 13]);
  assert.deepEqual(processTree(all, 99), []);
});

test('a real child: CPU of its busy worker and its resident memory are counted', async (t) => {
  const child = spawn('python3', [join(SCRIPTS, 'busy.py')], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const workerPid = Number((await waitFor(() => /ready (\d+)/.exec(out), 'busy.py ready'))[1]);
  t.after(() => {
    try {
      process.kill(workerPid, 'SIGKILL');
    } catch {
      // gone
    }
  });
  const sampler = new ProcessTreeSampler(child.pid!);
  // The worker spins one core: wait until a sample sees most of it (no timing assumption
  // beyond "eventually"), with both processes and the parent's 64 MiB counted.
  const s = await waitFor(async () => {
    const x = await sampler.sample();
    return x && x.cpuPercent >= 50 && x.processes >= 2 && x.memoryMb >= 64 ? x : undefined;
  }, 'a busy sample');
  assert.ok(s.cpuPercent <= 100 * 64, `plausible: ${s.cpuPercent}`);
  child.kill('SIGKILL');
  await waitFor(async () => (await sampler.sample()) === undefined, 'the root to be gone');
});
