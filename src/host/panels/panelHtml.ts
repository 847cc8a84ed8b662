// The HTML shell every panel loads: a strict CSP, one stylesheet per file, one script by
// nonce. No data goes into this page; it all arrives by message after `ready`.
import { randomBytes } from 'node:crypto';

export interface PanelHtmlOptions {
  title: string;
  /** `webview.cspSource`: where the webview may load styles, images and fonts from. */
  cspSource: string;
  scriptUri: string;
  styleUris: string[];
  /** Defaults to fresh random nonces. */
  nonce?: string;
  styleNonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * No 'unsafe-inline' anywhere. The toolkit (FAST) probes `:focus-visible` support with one
 * <style> element it creates itself, tagged with the nonce it reads from
 * `<meta property="csp-nonce">`: a separate style nonce lets exactly that through. chart.js
 * sizes its canvas through the CSSOM (element.style), which CSP does not restrict.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string, styleNonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${styleNonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function panelHtml(o: PanelHtmlOptions): string {
  const nonce = o.nonce ?? makeNonce();
  const styleNonce = o.styleNonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, nonce, styleNonce))}">
<meta property="csp-nonce" content="${escapeAttr(styleNonce)}">
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
