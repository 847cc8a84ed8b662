// The HTML shell every panel loads: a strict CSP, one stylesheet per file, one script by
// nonce. No data goes into this page; it all arrives by message after `ready`.
import { randomBytes } from 'node:crypto';

export interface PanelHtmlOptions {
  title: string;
  /** `webview.cspSource`: where the webview may load styles, images and fonts from. */
  cspSource: string;
  scriptUri: string;
  styleUris: string[];
  /** Defaults to a fresh random nonce. */
  nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * No 'unsafe-inline' anywhere, and styles only from stylesheet files. The web components
 * (@vscode-elements, Lit) style their shadow roots with constructable stylesheets, and they
 * and chart.js set element styles through the CSSOM (element.style): CSP restricts neither,
 * so no <style> element or style attribute needs letting through.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function panelHtml(o: PanelHtmlOptions): string {
  const nonce = o.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${o.styleUris.map((u) => `<link rel="stylesheet" href="${escapeAttr(u)}">`).join('\n')}
<title>${escapeAttr(o.title)}</title>
</head>
<body>
<script nonce="${escapeAttr(nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>
`;
}
