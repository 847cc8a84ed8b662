// Regular files under a folder, in a stable order.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Regular files under a folder as [relative POSIX path, absolute path], sorted; links are left out. */
export function listFiles(dir: string, rel = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const d of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const abs = join(dir, d.name);
    const r = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...listFiles(abs, r));
    else if (d.isFile()) out.push([r, abs]);
  }
  return out;
}
