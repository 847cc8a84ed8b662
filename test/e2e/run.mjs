// `npm run test:e2e [-- files… | node --test options…]`: runs the e2e tests one at a time
// (each starts its own VS Code). Builds nothing: `npm test` builds first.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const files = args.filter((a) => a.endsWith('.ts'));
const options = args.filter((a) => !a.endsWith('.ts'));
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

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...options, ...tests],
  { cwd: root, stdio: 'inherit' },
);
if (result.error) throw result.error;
process.exit(result.status ?? 1);
