// What "fits the width" means for a panel, checked in the page: the page does not scroll
// sideways, no element reaches past the viewport unless a box that scrolls or clips on its
// own holds it, and every chart's canvas is as wide as its card.
import type { Page } from 'playwright-core';

// Page-side code as strings: tsx would wrap the helpers of a function in its own __name().
const MISFITS = `(() => {
  const vw = document.documentElement.clientWidth;
  const found = [];
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const path = (e) => {
    const parts = [];
    for (let a = e; a && a !== document.body && parts.length < 4; a = a.parentElement) parts.unshift(name(a));
    return parts.join(' > ');
  };
  if (document.documentElement.scrollWidth > vw) found.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' px in ' + vw + ' px');
  const held = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return true;
    return false;
  };
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= vw + 0.5 && r.left >= -0.5) continue;
    if (held(e)) continue;
    found.push(path(e) + ' spans ' + Math.round(r.left) + '–' + Math.round(r.right) + ' px in ' + vw + ' px');
  }
  for (const c of document.querySelectorAll('.chart-card canvas, .runs-chart canvas')) {
    const box = c.parentElement.getBoundingClientRect();
    const w = c.getBoundingClientRect().width;
    if (box.width > 0 && Math.abs(box.width - w) > 2) found.push(path(c) + ' is ' + Math.round(w) + ' px wide in a ' + Math.round(box.width) + ' px card');
  }
  return found.slice(0, 12);
})()`;

/** Why the page does not fit its width (empty when it fits). */
export function misfits(page: Page): Promise<string[]> {
  return page.evaluate(MISFITS) as Promise<string[]>;
}

/** Waits until the page fits its width (charts resize a frame or two after it changes). */
export async function assertFits(page: Page, what: string, timeout = 5000): Promise<void> {
  const deadline = performance.now() + timeout;
  let last: string[] = [];
  for (;;) {
    // Two frames: layout, then the resize observers' redraws.
    await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
    last = await misfits(page);
    if (last.length === 0) return;
    if (performance.now() > deadline) throw new Error(`${what} does not fit:\n  ${last.join('\n  ')}`);
  }
}

const BROKEN_WORDS = `((sel) => {
  const broken = [];
  for (const cell of document.querySelectorAll(sel)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent || '';
      const re = /[^\\s/_.-]+/g;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const tops = new Set();
        for (let i = m.index; i < m.index + m[0].length; i++) {
          const range = document.createRange();
          range.setStart(n, i);
          range.setEnd(n, i + 1);
          const rect = range.getBoundingClientRect();
          if (rect.width > 0) tops.add(Math.round(rect.top));
        }
        if (tops.size > 1) broken.push('"' + m[0] + '" in "' + cell.textContent + '"');
      }
    }
  }
  return broken;
})`;

/**
 * Words cut across lines inside cells matching `selector`: a word (between spaces and the
 * separators / _ - .) whose letters are not all on one line.
 */
export function brokenWords(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(`${BROKEN_WORDS}(${JSON.stringify(selector)})`) as Promise<string[]>;
}
