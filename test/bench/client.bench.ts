// Python client speed: run.log() of 5 scalars and sustained points/s, each against a bare
// collections.deque.append loop measured in the same Python process.
import { execFile } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { figure, type Figure } from './report';

interface ClientBench {
  log_us_median: number;
  append_us_median: number;
  points_per_s: number;
  append_points_per_s: number;
}

export async function run(): Promise<Figure[]> {
  const repo = join(__dirname, '..', '..');
  const client = join(repo, 'src', 'python');
  const pythonPath = process.env.PYTHONPATH ? `${client}${delimiter}${process.env.PYTHONPATH}` : client;
  const { stdout } = await promisify(execFile)('python3', [join(__dirname, 'client_bench.py')], {
    cwd: repo,
    env: { ...process.env, PYTHONPATH: pythonPath },
  });
  const r = JSON.parse(stdout) as ClientBench;
  const kill = JSON.parse(
    (await promisify(execFile)('python3', [join(__dirname, 'kill_loss.py')], { cwd: repo, env: { ...process.env, PYTHONPATH: pythonPath } })).stdout,
  ) as { loss_s: number; flush_each_loss_s: number };
  return [
    figure('client log() of 5 scalars, median per call', r.log_us_median, 'µs', r.append_us_median, '<= 5 µs', (v) => v <= 5),
    figure(
      'client sustained, first log() to finish()',
      r.points_per_s,
      'points/s',
      r.append_points_per_s,
      '>= 200000 points/s',
      (v) => v >= 200_000,
    ),
    figure('client data lost to a SIGKILL, median of 5', kill.loss_s * 1000, 'ms', kill.flush_each_loss_s * 1000, '<= 500 ms', (v) => v <= 500),
  ];
}
