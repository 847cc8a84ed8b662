// Captures the theme a real VS Code gives webviews (the --vscode-* variables on <html>, the
// body class and VS Code's default webview styles) for Dark Modern, Light Modern and High
// Contrast, into themes/*.json, so the Chromium panel tests render with real values.
//   npm run build && node --import tsx test/webview/captureThemes.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../e2e/harness.ts';
import { writeRun } from './runFixtures.ts';

const THEMES = [
  { file: 'dark', theme: 'Default Dark Modern' },
  { file: 'light', theme: 'Default Light Modern' },
  { file: 'high-contrast', theme: 'Default High Contrast' },
];

async function main(): Promise<void> {
  for (const t of THEMES) {
    const vs = await launch({ name: `capture-theme-${t.file}`, theme: t.theme });
    try {
      writeRun(join(vs.workspace, '.trackside'), { id: '20240101-000000-theme1', name: 'theme-capture', keys: ['loss'], steps: 10, status: 'finished' });
      await vs.waitForActivation();
      await vs.runCommand('Trackside: Open Run');
      await vs.quickPick('theme-capture');
      const body = vs.webviewFrame().locator('body');
      await body.locator('.run-header h1').waitFor({ timeout: 30_000 });
      const captured = await body.evaluate(() => {
        const vars: Record<string, string> = {};
        const style = document.documentElement.style;
        for (let i = 0; i < style.length; i++) {
          const name = style[i];
          if (name.startsWith('--')) vars[name] = style.getPropertyValue(name).trim();
        }
        return {
          bodyClass: document.body.className,
          themeKind: document.body.dataset.vscodeThemeKind ?? '',
          themeName: document.body.dataset.vscodeThemeName ?? '',
          defaultStyles: document.getElementById('_defaultStyles')?.textContent ?? '',
          vars,
        };
      });
      writeFileSync(join(dirname(fileURLToPath(import.meta.url)), 'themes', `${t.file}.json`), JSON.stringify({ source: `VS Code 1.100.3 (code-server), theme "${t.theme}"`, ...captured }, null, 2) + '\n');
      console.log(`${t.file}: ${Object.keys(captured.vars).length} variables, body class "${captured.bodyClass}"`);
    } finally {
      await vs.dispose();
    }
  }
}

void main();
