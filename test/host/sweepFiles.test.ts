// Start Sweep without a sweep file in the editor looks for one in the workspace.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sweepFiles } from '../../src/host/sweeps/sweepFeature';
import { suite, test } from './runner.ts';
import { freshDir, waitFor } from './workspace.ts';

suite('sweeps', () => {
  test('the workspace search finds sweep.yaml and *.sweep.yaml, not mysweep.yaml or a run folder', async () => {
    const dir = freshDir('sweep-files');
    const names = ['sweep.yaml', 'lr.sweep.yml', 'nested/grid.sweep.json', 'mysweep.yaml', 'sweep.yaml.bak', '.trackside/sweeps/x/sweep.yaml'];
    for (const name of names) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), 'program: train.py\n');
    }
    const ours = async () => (await sweepFiles()).map((u) => relative(dir, u.fsPath).replaceAll('\\', '/')).filter((p) => !p.startsWith('..')).sort();
    // The search service may not have seen the new files yet.
    const found = await waitFor(async () => {
      const files = await ours();
      return files.length >= 3 && files;
    }, { message: 'the new sweep files found' });
    assert.deepEqual(found, ['lr.sweep.yml', 'nested/grid.sweep.json', 'sweep.yaml']);
  });
});
