// npm run bench [-- --json] [-- --only NAME]: runs every benchmark suite in this folder.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { print, type Figure } from './report';

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const onlyIdx = process.argv.indexOf('--only');
  const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : undefined;
  const suites = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !only || f.includes(only))
    .sort();
  let missed = 0;
  for (const file of suites) {
    const mod = (await import(join(__dirname, file))) as { run: () => Promise<Figure[]> };
    for (const f of await mod.run()) {
      print(f, json);
      if (!f.pass) missed++;
    }
  }
  if (!json) process.stdout.write(`${missed === 0 ? 'all targets met' : `${missed} target(s) missed`}\n`);
}

void main();
