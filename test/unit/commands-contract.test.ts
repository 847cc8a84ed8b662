// Every command contributed in package.json has a handler, and every handler is contributed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fakeContext, installVscodeStub, type StubState } from '../support/vscodeStub';

const repo = resolve(__dirname, '../..');

test('contributed commands and registered handlers match', () => {
  if (!existsSync(join(repo, 'dist/extension.js'))) execFileSync('node', ['esbuild.mjs'], { cwd: repo });
  const ws = mkdtempSync(join(tmpdir(), 'trackside-contract-'));
  const state: StubState = { commands: new Map(), workspaceFolder: ws };
  installVscodeStub(state);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(join(repo, 'dist/extension.js')) as { activate(ctx: unknown): void; deactivate(): void };
  const ctx = fakeContext(repo);
  ext.activate(ctx);
  try {
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    const registered = [...state.commands.keys()].filter((id) => !id.startsWith('trackside.internal.')).sort();
    assert.deepEqual(registered, contributed);
  } finally {
    for (const d of ctx.subscriptions) d.dispose();
    rmSync(ws, { recursive: true, force: true });
  }
});

test('menus and key bindings only name contributed commands', () => {
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]> };
  };
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
    for (const item of items) assert.ok(contributed.has(item.command), `${menu} names ${item.command}, which is not contributed`);
  }
});
