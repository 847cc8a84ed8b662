// Bundles the extension, the CLI and one script per webview panel into dist/.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

// The extension host's bundle loads no SQLite engine: the index lives in the worker's bundle.
const nodeTargets = [
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['src/worker/indexWorker.ts'], outfile: 'dist/indexWorker.js', external: ['better-sqlite3'] },
  { entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', external: ['better-sqlite3'], banner: { js: '#!/usr/bin/env node' } },
  // Integration tests run inside the extension host (test/host/README.md); not in a package.
  ...(production ? [] : [{ entryPoints: ['test/host/index.ts'], outfile: 'dist/test/host.js', external: ['vscode'] }]),
].filter((t) => existsSync(t.entryPoints[0]));

// webview/<panel>/main.ts → dist/webview/<panel>.js
const webviewEntries = existsSync('webview')
  ? readdirSync('webview', { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join('webview', d.name, 'main.ts')))
      .map((d) => ({ in: join('webview', d.name, 'main.ts'), out: d.name }))
  : [];

const configs = [
  ...nodeTargets.map((t) => ({ ...common, ...t, platform: 'node', format: 'cjs', target: 'node20' })),
  ...(webviewEntries.length
    ? [{ ...common, entryPoints: webviewEntries, outdir: 'dist/webview', platform: 'browser', format: 'iife', target: 'es2022' }]
    : []),
];

if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
