// A script's argparse flags read by the real Python's ast module, never by running the script.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseParamPairs } from '../../src/core/runner/params';
import { flagsText, readScriptFlags } from '../../src/core/runner/scriptFlags';

const repo = resolve(__dirname, '../..');
const clientPath = join(repo, 'src/python');

test("the sample's flags and defaults; the box prefilled from the last run; a script that would fail is never run", async () => {
  const flags = await readScriptFlags('python3', clientPath, join(repo, 'sample/train.py'));
  assert.deepEqual(
    flags.map((f) => [f.flag, f.default, f.type]),
    [
      ['--epochs', 20, 'int'],
      ['--lr', 0.01, 'float'],
      ['--alpha', 0.0001, 'float'],
      ['--schedule', 'constant', null],
      ['--batch-size', 32, 'int'],
      ['--val-fraction', 0.25, 'float'],
      ['--seed', 0, 'int'],
      ['--name', null, null],
      ['--experiment', 'breast-cancer', null],
    ],
  );
  const text = flagsText(flags, { lr: 0.05, batch_size: 64 });
  assert.equal(text, 'epochs=20 lr=0.05 alpha=0.0001 schedule=constant batch-size=64 val-fraction=0.25 seed=0 experiment=breast-cancer');
  assert.ok(parseParamPairs(text).length === 8, 'the text reads back as parameters');

  const dir = mkdtempSync(join(tmpdir(), 'trackside-flags-'));
  try {
    const marker = join(dir, 'ran');
    const script = join(dir, 'boom.py');
    writeFileSync(script, `import argparse, pathlib\npathlib.Path(${JSON.stringify(marker)}).write_text("x")\np = argparse.ArgumentParser()\np.add_argument("--flag", action="store_true")\np.add_argument("--size", default=2 ** 3)\n`);
    const read = await readScriptFlags('python3', clientPath, script);
    assert.deepEqual(read.map((f) => [f.flag, f.default, f.action]), [['--flag', null, 'store_true'], ['--size', null, null]]);
    assert.equal(existsSync(marker), false, 'the script was not run');
    writeFileSync(script, 'def broken(:\n');
    await assert.rejects(readScriptFlags('python3', clientPath, script), /does not parse \(line 1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
