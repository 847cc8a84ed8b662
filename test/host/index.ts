// Entry of the host test bundle (dist/test/host.js). `run()` follows @vscode/test-electron's
// extensionTestsPath convention: it resolves when every test passed and throws otherwise.
// TRACKSIDE_HOST_TEST_RESULTS=<file> also writes the results as JSON;
// TRACKSIDE_HOST_TEST_GREP=<regexp> runs only the tests whose "suite › name" matches.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { takeCoverage } from 'node:v8';
import { fullName, runTests, type RunResults } from './runner.ts';
import './activation.test.ts';
import './startRun.test.ts';
import './runEdits.test.ts';
import './explorer.test.ts';
import './recovery.test.ts';
import './sweepFiles.test.ts';

export type { RunResults };

export async function runAll(): Promise<RunResults> {
  const grep = process.env.TRACKSIDE_HOST_TEST_GREP;
  const results = await runTests({ timeout: 90_000, grep: grep ? new RegExp(grep) : undefined });
  // The extension host is killed, never exits: its line coverage is written here, before the results.
  if (process.env.NODE_V8_COVERAGE) takeCoverage();
  const out = process.env.TRACKSIDE_HOST_TEST_RESULTS;
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    // Written whole then renamed: a watcher never reads half a file.
    writeFileSync(`${out}.tmp`, JSON.stringify(results, null, 2));
    renameSync(`${out}.tmp`, out);
  }
  return results;
}

export async function run(): Promise<void> {
  const results = await runAll();
  if (!results.ok) {
    const failed = results.tests.filter((t) => !t.ok && !t.todo).map((t) => `  ${fullName(t)}`);
    throw new Error(`${results.failed} of ${results.total} host tests failed:\n${failed.join('\n')}`);
  }
}
