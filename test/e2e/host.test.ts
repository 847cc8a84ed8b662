// The host integration suites (test/host) inside code-server's extension host: a test-only
// extension runs dist/test/host.js there and writes the results file this test waits for.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

// TRACKSIDE_COVERAGE_DIR (set by `npm test`): the extension host's V8 coverage goes there, for
// the line coverage of src/host. Every process of code-server writes into a private folder;
// only the files that cover the extension are kept.
const coverageDir = process.env.TRACKSIDE_COVERAGE_DIR;
const v8Dir = coverageDir ? mkdtempSync(join(tmpdir(), 'trackside-v8-')) : undefined;

function keepExtensionCoverage(): void {
  if (!coverageDir || !v8Dir) return;
  mkdirSync(coverageDir, { recursive: true });
  // Only the bundles' scripts, without Node's source-map cache: c8 then maps them by their .map files.
  const ours = pathToFileURL(join(repoRoot, 'dist')).href + '/';
  for (const f of readdirSync(v8Dir)) {
    const cov = JSON.parse(readFileSync(join(v8Dir, f), 'utf8')) as { result: { url: string }[] };
    const result = cov.result.filter((s) => s.url.startsWith(ours));
    if (result.length) writeFileSync(join(coverageDir, `host-${f}`), JSON.stringify({ result }));
  }
  rmSync(v8Dir, { recursive: true, force: true });
}

e2eTest(
  'host integration suites pass in the extension host',
  {
    testTimeout: 600_000,
    extraExtensions: [join(repoRoot, 'test/host/extension')],
    env: { TRACKSIDE_HOST_TESTS: bundle, TRACKSIDE_HOST_TEST_RESULTS: resultsFile, ...(v8Dir ? { NODE_V8_COVERAGE: v8Dir } : {}) },
  },
  async (vs) => {
    assert.ok(existsSync(bundle), `${bundle} is missing: run \`npm run build\` first`);
    await vs.waitForActivation();
    // The suites run in the extension host once the workbench has started it.
    const results = JSON.parse(await waitForFile(resultsFile, { timeout: 540_000, interval: 250 })) as HostResults;
    const failed = results.tests.filter((t) => !t.ok && !t.todo);
    const name = (t: HostResults['tests'][number]) => `${t.suite} › ${t.name}`;
    keepExtensionCoverage();
    console.log(`host tests: ${results.passed} passed, ${failed.length} failed, ${results.todo} known bugs of ${results.total}`);
    for (const t of results.tests.filter((r) => !r.ok && r.todo)) console.log(`  known bug: ${name(t)} (${t.todo})`);
    assert.ok(
      results.ok && failed.length === 0 && results.total > 0,
      `${failed.length} of ${results.total} host tests failed (results: ${resultsFile}, extension host log: ${vs.logDir}/vscode):\n` +
        failed.map((t) => `✗ ${name(t)}\n${(t.error ?? '').replace(/^/gm, '    ')}`).join('\n'),
    );
  },
);
