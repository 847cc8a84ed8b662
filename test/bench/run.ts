// npm run bench [-- --json] [-- --check] [-- --markdown] [-- --only NAME[,NAME…]] [-- --tag LABEL]:
// runs every benchmark suite in this folder (or those whose file name contains a NAME), printing
// each figure with its baseline. --check exits 1 when a target is missed; --markdown writes
// test/bench/RESULTS.md. LABEL is appended to every figure's name (the engines suite runs the storage
// suites again in another Node and labels them). TRACKSIDE_BENCH_BETTER_SQLITE3 names a
// better-sqlite3 package built for this Node, used instead of the repository's.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdown, print, type Figure } from './report';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Makes require('better-sqlite3') give the package at `dir` (a build for this Node's ABI). */
function useBetterSqlite3(dir: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(dir) as unknown;
  const resolved = require.resolve('better-sqlite3');
  require.cache[resolved] = { id: resolved, filename: resolved, loaded: true, exports: mod } as NodeJS.Module;
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const only = arg('--only')?.split(',');
  const tag = arg('--tag');
  if (process.env.TRACKSIDE_BENCH_BETTER_SQLITE3) useBetterSqlite3(process.env.TRACKSIDE_BENCH_BETTER_SQLITE3);
  const suites = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !only || only.some((o) => f.includes(o)))
    .sort();
  const figures: Figure[] = [];
  for (const file of suites) {
    const mod = (await import(join(__dirname, file))) as { run: () => Promise<Figure[]> };
    for (const f of await mod.run()) {
      const named = tag ? { ...f, name: `${f.name} [${tag}]` } : f;
      print(named, json);
      figures.push(named);
    }
  }
  const missed = figures.filter((f) => !f.pass).length;
  if (!json) process.stdout.write(`${missed === 0 ? 'all targets met' : `${missed} target(s) missed`}\n`);
  if (process.argv.includes('--markdown')) writeFileSync(join(__dirname, 'RESULTS.md'), markdown(figures));
  if (process.argv.includes('--check') && missed > 0) process.exitCode = 1;
}

void main();
