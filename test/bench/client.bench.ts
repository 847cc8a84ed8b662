// Python client speed: the whole logging loop (first log() to finish()), per call of 5 scalars
// and per point, against the same loop writing the same JSON lines to a buffered file itself;
// and what a SIGKILL loses (maximum and median over 20 kills), against flushing every log().
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
  client_us_per_call: number;
  plain_us_per_call: number;
  client_points_per_s: number;
  plain_points_per_s: number;
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
    figure('client, first log() to finish(), per call of 5 scalars (worst of 3)', r.client_us_per_call, 'µs', r.plain_us_per_call, 'ratio <= 1.0 (no slower than writing the lines yourself)', (_v, ratio) => ratio <= 1),
    figure('client, first log() to finish(), points/s (worst of 3)', r.client_points_per_s, 'points/s', r.plain_points_per_s, '>= 1000000 points/s', (v) => v >= 1_000_000),
    // The promise is a maximum: the worst of the kills, with the median beside it.
    figure(`client data lost to a SIGKILL, logging every ms, max of ${kill.kills}`, ms(kill.loss_max_s), 'ms', ms(kill.flush_each_loss_s), '<= 500 ms', within),
    figure(`client data lost to a SIGKILL, logging every ms, median of ${kill.kills}`, ms(kill.loss_median_s), 'ms', ms(kill.flush_each_loss_s), '<= 500 ms', within),
    figure(`client data lost to a SIGKILL, tight logging loop, max of ${kill.kills}`, ms(kill.tight_loss_max_s), 'ms', ms(kill.flush_each_loss_s), '<= 500 ms', within),
    figure(`client data lost to a SIGKILL, tight logging loop, median of ${kill.kills}`, ms(kill.tight_loss_median_s), 'ms', ms(kill.flush_each_loss_s), '<= 500 ms', within),
  ];
}
