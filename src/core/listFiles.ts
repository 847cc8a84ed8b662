// Regular files under a folder, and the folders in one, in a stable order.
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

/** The folders in a folder (hidden ones left out) as absolute paths, sorted; none when it cannot be read. */
export function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => join(dir, d.name))
      .sort();
  } catch {
    return [];
  }
}
