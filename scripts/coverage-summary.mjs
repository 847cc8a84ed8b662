// Line coverage per layer from what `npm test` recorded: c8's istanbul JSON of the unit suite
// (coverage/ts/report-*/coverage-final.json, one per compiled form: coverage-split.mjs), plus
// the extension host's V8 coverage of the bundles (coverage/host/*.json), mapped to the sources
// through the bundles' .map files. Lists files no test runs and the src/core files under the
// 90 % target. A file of types only compiles to nothing and has no lines to run: it is left out.
import { transformSync } from 'esbuild';
import libCoverage from 'istanbul-lib-coverage';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8ToIstanbul from 'v8-to-istanbul';

const TARGET = 90;
const LAYERS = ['src/core', 'src/views', 'src/worker', 'src/host'];
const root = process.cwd();
const inLayer = (path) => LAYERS.some((l) => relative(root, path).startsWith(`${l}/`));
// A bundle's source map names its sources relative to the bundle ("../src/host/app.ts").
const LAYER_SOURCE = /(^|\/)src\/(core|views|worker|host)\//;

const map = libCoverage.createCoverageMap({});
for (const d of readdirSync('coverage/ts').filter((d) => d.startsWith('report-'))) map.merge(JSON.parse(readFileSync(join('coverage/ts', d, 'coverage-final.json'), 'utf8')));
if (existsSync('coverage/host')) {
  for (const f of readdirSync('coverage/host')) {
    for (const script of JSON.parse(readFileSync(join('coverage/host', f), 'utf8')).result) {
        const converter = v8ToIstanbul(fileURLToPath(script.url), 0, undefined, (p) => !LAYER_SOURCE.test(p));
      await converter.load();
      converter.applyCoverage(script.functions);
      map.merge(converter.toIstanbul());
    }
  }
}

const typesOnly = (path) => transformSync(readFileSync(path, 'utf8'), { loader: 'ts' }).code.trim() === '';
const files = map
  .files()
  .filter(inLayer)
  .map((path) => ({ path: relative(root, path), lines: map.fileCoverageFor(path).toSummary().lines }))
  .filter((f) => !(f.lines.covered === 0 && typesOnly(f.path)));
const pct = (c, t) => (t === 0 ? 100 : (100 * c) / t);
const show = (p) => `${p.toFixed(1).padStart(5)} %`;
for (const layer of LAYERS) {
  const mine = files.filter((f) => f.path.startsWith(`${layer}/`));
  const covered = mine.reduce((n, f) => n + f.lines.covered, 0);
  const total = mine.reduce((n, f) => n + f.lines.total, 0);
  console.log(`${layer.padEnd(11)} ${show(pct(covered, total))} of ${total} lines${layer === 'src/core' ? ` (target ${TARGET} %)` : ''}`);
}
const none = files.filter((f) => f.lines.covered === 0 && f.lines.total > 0);
if (none.length) console.log(`run by no test:\n${none.map((f) => `  ${f.path}`).join('\n')}`);
const low = files
  .filter((f) => f.path.startsWith('src/core/') && f.lines.covered > 0 && pct(f.lines.covered, f.lines.total) < TARGET)
  .sort((a, b) => pct(a.lines.covered, a.lines.total) - pct(b.lines.covered, b.lines.total));
const SHOWN = 15;
if (low.length) {
  console.log(`src/core files under ${TARGET} %: ${low.length}, the lowest:`);
  for (const f of low.slice(0, SHOWN)) console.log(`  ${show(pct(f.lines.covered, f.lines.total))}  ${f.path}`);
}
