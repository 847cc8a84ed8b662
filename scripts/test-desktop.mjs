// `npm run test:desktop`: the host integration suites (test/host) in desktop VS Code through
// @vscode/test-electron. It downloads VS Code (cached in ~/.cache/trackside/vscode-test) unless
// TRACKSIDE_VSCODE_EXECUTABLE names an installed one; machines without access to
// update.code.visualstudio.com get a clear error instead (use `npm run test:e2e`: code-server).
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const suite = join(repo, 'dist/test/host.js');
const cachePath = process.env.TRACKSIDE_VSCODE_CACHE ?? join(homedir(), '.cache/trackside/vscode-test');
// The download has an idle timeout of its own; this bounds the whole of it (version lookup included).
const DOWNLOAD_DEADLINE_MS = 10 * 60_000;

function fail(message) {
  console.error(`test:desktop: ${message}`);
  process.exit(2);
}

function withDeadline(promise, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function vscodeExecutable() {
  const given = process.env.TRACKSIDE_VSCODE_EXECUTABLE;
  if (given) {
    if (!existsSync(given)) fail(`TRACKSIDE_VSCODE_EXECUTABLE=${given} does not exist.`);
    return given;
  }
  try {
    return await withDeadline(
      downloadAndUnzipVSCode({ cachePath, extensionDevelopmentPath: repo, timeout: 15_000 }),
      DOWNLOAD_DEADLINE_MS,
      'downloading VS Code',
    );
  } catch (err) {
    fail(
      `could not get desktop VS Code (${err instanceof Error ? err.message : String(err)}).\n` +
        'This needs access to update.code.visualstudio.com, or TRACKSIDE_VSCODE_EXECUTABLE set to an installed VS Code.\n' +
        'Without it, the same suites run in code-server: npm run build && npm run test:e2e -- test/e2e/host.test.ts',
    );
  }
}

if (!existsSync(suite)) fail(`${suite} is missing: run \`npm run build\` first.`);
const executable = await vscodeExecutable();

// A fresh copy of the sample workspace and a fresh profile, as the e2e tests use.
const root = mkdtempSync(join(tmpdir(), 'trackside-desktop-'));
const workspace = join(root, 'sample');
cpSync(join(repo, 'sample'), workspace, { recursive: true, filter: (src) => !['.trackside', '__pycache__'].includes(basename(src)) });
mkdirSync(join(workspace, '.trackside'), { recursive: true });

let code = 1;
try {
  code = await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: repo,
    extensionTestsPath: suite,
    extensionTestsEnv: { TRACKSIDE_HOST_TEST_RESULTS: join(repo, 'test-results/host-tests-desktop.json') },
    launchArgs: [workspace, '--disable-extensions', '--user-data-dir', join(root, 'user-data'), '--extensions-dir', join(root, 'extensions')],
  });
} catch (err) {
  console.error(`test:desktop: ${err instanceof Error ? err.message : String(err)} (results: test-results/host-tests-desktop.json)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
process.exit(code);
