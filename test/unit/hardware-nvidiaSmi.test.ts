import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { startSysSampling } from '../../src/core/runner/hardware';
import { findOnPath, gpuValues, NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from '../../src/core/runner/nvidiaSmi';
import { cleanupTempDirs, tempDir, waitFor } from '../fixtures/runner/helpers';

test.after(cleanupTempDirs);

// `nvidia-smi --query-gpu=index,utilization.gpu,memory.used,memory.total,power.draw
//  --format=csv,noheader,nounits` on a two-GPU machine, the second board without power readings.
const SAMPLE = '0, 45, 1024, 16384, 70.52\n1, 0, 3, 16384, [N/A]\n';

test('parses the documented CSV, leaving out [N/A] and [Not Supported]', () => {
  assert.deepEqual(parseNvidiaSmiCsv(SAMPLE), [
    { index: 0, utilization: 45, memoryUsedMb: 1024, memoryTotalMb: 16384, powerW: 70.52 },
    { index: 1, utilization: 0, memoryUsedMb: 3, memoryTotalMb: 16384 },
  ]);
  assert.deepEqual(parseNvidiaSmiCsv('0, [Not Supported], 500, 1000, [Not Supported]\r\n\n'), [
    { index: 0, memoryUsedMb: 500, memoryTotalMb: 1000 },
  ]);
  // Without nounits the unit follows the number.
  assert.deepEqual(parseNvidiaSmiCsv('0, 12 %, 256 MiB, 1024 MiB, 30.10 W'), [
    { index: 0, utilization: 12, memoryUsedMb: 256, memoryTotalMb: 1024, powerW: 30.1 },
  ]);
  assert.deepEqual(parseNvidiaSmiCsv('NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver.'), []);
  assert.deepEqual(parseNvidiaSmiCsv(''), []);
});

test('gpu<i>/… keys for sys events', () => {
  assert.deepEqual(gpuValues(parseNvidiaSmiCsv(SAMPLE)), {
    'gpu0/utilization': 45,
    'gpu0/memory_mb': 1024,
    'gpu0/memory_percent': 6.3,
    'gpu0/power_w': 70.52,
    'gpu1/utilization': 0,
    'gpu1/memory_mb': 3,
    'gpu1/memory_percent': 0,
  });
});

function fakeSmi(body: string): { dir: string; argsFile: string } {
  const dir = tempDir('ts-smi-');
  const argsFile = join(dir, 'args');
  const path = join(dir, 'nvidia-smi');
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\n${body}\n`);
  chmodSync(path, 0o755);
  return { dir, argsFile };
}

test('end to end: a fake nvidia-smi first on PATH feeds gpu keys into the samples', async (t) => {
  const { dir, argsFile } = fakeSmi(`printf '${SAMPLE.replace(/\n/g, '\\n')}'`);
  const path = `${dir}${delimiter}${process.env.PATH}`;
  assert.equal(findOnPath('nvidia-smi', path), join(dir, 'nvidia-smi'));
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  const samples: Record<string, number>[] = [];
  const sampling = startSysSampling({ pid: child.pid!, intervalMs: 50, path, onSample: (v) => samples.push(v) });
  await waitFor(() => samples.length >= 2, 'two samples');
  await sampling.stop();
  const n = samples.length;
  assert.equal(samples[0]['gpu0/utilization'], 45);
  assert.equal(samples[0]['gpu0/power_w'], 70.52);
  assert.equal(samples[0]['gpu1/memory_percent'], 0);
  assert.ok(!('gpu1/power_w' in samples[0]));
  assert.equal(typeof samples[0].cpu_percent, 'number');
  assert.ok(samples[0].memory_mb > 0);
  assert.deepEqual(readFileSync(argsFile, 'utf8').trim().split('\n'), NVIDIA_SMI_ARGS);
  // Stopped means stopped: nothing arrives afterwards.
  await new Promise((r) => setImmediate(r));
  assert.equal(samples.length, n);
});

test('no nvidia-smi on PATH, or a failing one: CPU and memory only', async (t) => {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  const empty = tempDir('ts-nosmi-');
  const none: Record<string, number>[] = [];
  const s1 = startSysSampling({ pid: child.pid!, intervalMs: 50, path: empty, onSample: (v) => none.push(v) });
  await waitFor(() => none.length >= 1, 'a sample');
  await s1.stop();
  assert.deepEqual(Object.keys(none[0]).sort(), ['cpu_percent', 'memory_mb']);

  const { dir } = fakeSmi('echo "NVIDIA-SMI has failed" >&2; exit 9');
  const broken: Record<string, number>[] = [];
  const s2 = startSysSampling({ pid: child.pid!, intervalMs: 20, path: dir, onSample: (v) => broken.push(v) });
  await waitFor(() => broken.length >= 5, 'five samples');
  await s2.stop();
  assert.ok(broken.every((v) => Object.keys(v).every((k) => !k.startsWith('gpu'))));
});
