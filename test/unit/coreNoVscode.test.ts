import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const CORE = resolve(__dirname, '../../src/core');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? tsFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

test('src/core never imports vscode', () => {
  const files = tsFiles(CORE);
  assert.ok(files.length > 5);
  const importsVscode = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"]vscode(?:\/[^'"]*)?['"]/;
  const offenders = files.filter((f) => importsVscode.test(readFileSync(f, 'utf8'))).map((f) => relative(CORE, f));
  assert.deepEqual(offenders, []);
});
