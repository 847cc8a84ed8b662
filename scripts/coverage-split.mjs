// Splits the unit suite's V8 coverage so that each folder holds one compiled form of each file.
// A source file compiled two ways (tsx gives a module loaded by the test runner and the same
// module in a CLI child slightly different code) has two sets of byte ranges under one URL, and
// c8 merges the processes by URL before mapping back to the source: the counts land on the
// wrong lines (src/core/query/queryValues.ts read 64 % covered with every line run). Each
// folder is reported apart, and the reports are merged by source line (coverage-summary.mjs).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const from = process.argv[2];
const to = process.argv[3];
rmSync(to, { recursive: true, force: true });
const variants = new Map(); // url → [signature, …]
let folders = 0;
for (const name of readdirSync(from).filter((f) => f.endsWith('.json'))) {
  const cov = JSON.parse(readFileSync(join(from, name), 'utf8'));
  const maps = cov['source-map-cache'] ?? {};
  const parts = new Map(); // folder → scripts
  for (const script of cov.result) {
    const map = maps[script.url];
    // Only sources run through tsx differ; anything else (bundles, Node's own) stays together.
    const signature = map && script.url.includes('/src/') ? map.lineLengths.join(',') : '';
    const known = variants.get(script.url) ?? [];
    let k = known.indexOf(signature);
    if (k < 0) {
      k = known.push(signature) - 1;
      variants.set(script.url, known);
    }
    if (!parts.has(k)) parts.set(k, []);
    parts.get(k).push(script);
  }
  for (const [k, result] of parts) {
    mkdirSync(join(to, String(k)), { recursive: true });
    writeFileSync(join(to, String(k), name), JSON.stringify({ ...cov, result }));
    folders = Math.max(folders, k + 1);
  }
}
console.log(folders);
