// The host integration suites (test/host) inside code-server's extension host: a test-only
// extension runs dist/test/host.js there and writes the results file this test waits for.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { e2eTest, waitForFile } from './harness.ts';
import { repoRoot, resultsDir } from './paths.ts';

interface HostResults {
  ok: boolean;
  passed: number;
  failed: number;
  todo: number;
  total: number;
  tests: { suite: string; name: string; ok: boolean; durationMs: number; error?: string; todo?: string }[];
}

const bundle = join(repoRoot, 'dist/test/host.js');
const resultsFile = join(resultsDir, 'host-tests.json');
rmSync(resultsFile, { force: true }); // only this launch's results count

e2eTest(
  'host integration suites pass in the extension host',
  {
    testTimeout: 600_000,
    extraExtensions: [join(repoRoot, 'test/host/extension')],
    env: { TRACKSIDE_HOST_TESTS: bundle, TRACKSIDE_HOST_TEST_RESULTS: resultsFile },
  },
  async (vs) => {
    assert.ok(existsSync(bundle), `${bundle} is missing: run \`npm run build\` first`);
    await vs.waitForActivation();
    // The suites run in the extension host once the workbench has started it.
    const results = JSON.parse(await waitForFile(resultsFile, { timeout: 540_000, interval: 250 })) as HostResults;
    const failed = results.tests.filter((t) => !t.ok && !t.todo);
    const name = (t: HostResults['tests'][number]) => `${t.suite} › ${t.name}`;
    console.log(`host tests: ${results.passed} passed, ${failed.length} failed, ${results.todo} known bugs of ${results.total}`);
    for (const t of results.tests.filter((r) => !r.ok && r.todo)) console.log(`  known bug: ${name(t)} (${t.todo})`);
    assert.ok(
      results.ok && failed.length === 0 && results.total > 0,
      `${failed.length} of ${results.total} host tests failed (results: ${resultsFile}, extension host log: ${vs.logDir}/vscode):\n` +
        failed.map((t) => `✗ ${name(t)}\n${(t.error ?? '').replace(/^/gm, '    ')}`).join('\n'),
    );
  },
);
