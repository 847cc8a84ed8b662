// Python client speed: run.log() of 5 scalars and sustained points/s, each against a bare
// collections.deque.append loop measured in the same Python process; and what a SIGKILL
// loses (maximum and median over 20 kills), against flushing after every log().
import { execFile } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { figure, type Figure } from './report';

interface KillLoss {
  kills: number;
  loss_max_s: number;
  loss_median_s: number;
  tight_loss_max_s: number;
  tight_loss_median_s: number;
  flush_each_loss_s: number;
}

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
  ) as KillLoss;
  const ms = (s: number): number => s * 1000;
  const within = (v: number): boolean => v <= 500;
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
    // The promise is a maximum: the worst of the kills, with the median beside it.
    figure(`client data lost to a SIGKILL, logging every ms, max of ${kill.kills}`, ms(kill.loss_max_s), 'ms', ms(kill.flush_each_loss_s), '<= 500 ms', within),
    figure(`client data lost to a SIGKILL, logging every ms, median of ${kill.kills}`, ms(kill.loss_median_s), 'ms', ms(kill.flush_each_loss_s), '<= 500 ms', within),
    figure(`client data lost to a SIGKILL, tight logging loop, max of ${kill.kills}`, ms(kill.tight_loss_max_s), 'ms', ms(kill.flush_each_loss_s), '<= 500 ms', within),
    figure(`client data lost to a SIGKILL, tight logging loop, median of ${kill.kills}`, ms(kill.tight_loss_median_s), 'ms', ms(kill.flush_each_loss_s), '<= 500 ms', within),
  ];
}
