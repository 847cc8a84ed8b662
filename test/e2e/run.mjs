// `npm run test:e2e [-- --vscode VERSION|all] [-- files… | node --test options…]`: runs the e2e
// tests one at a time (each starts its own VS Code). Builds nothing: `npm test` builds first.
// --vscode picks the VS Code (sets TRACKSIDE_E2E_VSCODE; default 1.100.3); `all` runs the suite
// once per known version, one after the other, and fails if any run failed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
// Keep in step with vscodeVersions in code-server.ts.
const versions = ['1.100.3', '1.139.1'];

const args = process.argv.slice(2);
let vscode = process.env.TRACKSIDE_E2E_VSCODE || '1.100.3';
const rest = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--vscode') vscode = args[++i];
  else if (args[i].startsWith('--vscode=')) vscode = args[i].slice('--vscode='.length);
  else rest.push(args[i]);
}
const runs = vscode === 'all' ? versions : [vscode];
if (!runs.every((v) => versions.includes(v))) {
  console.error(`--vscode ${vscode}: known versions are ${versions.join(', ')}, or all`);
  process.exit(2);
}

const files = rest.filter((a) => a.endsWith('.ts'));
const options = rest.filter((a) => !a.endsWith('.ts'));
// Node 20's --test takes no globs: list the files here.
const tests = files.length
  ? files
  : readdirSync(join(root, 'test/e2e'))
      .filter((f) => f.endsWith('.test.ts'))
      .sort()
      .map((f) => relative(root, join(root, 'test/e2e', f)));

if (tests.length === 0) {
  console.log('no e2e tests');
  process.exit(0);
}

const failed = [];
for (const version of runs) {
  if (runs.length > 1) console.log(`\n# e2e on VS Code ${version}\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-timeout=600000', '--test-concurrency=1', '--test-reporter=spec', ...options, ...tests],
    { cwd: root, stdio: 'inherit', env: { ...process.env, TRACKSIDE_E2E_VSCODE: version } },
  );
  if (result.error) throw result.error;
  if (result.status !== 0) failed.push(version);
}
if (runs.length > 1) console.log(`\n# e2e: ${failed.length ? `failed on VS Code ${failed.join(', ')}` : `passed on VS Code ${runs.join(', ')}`}`);
process.exit(failed.length ? 1 : 0);
