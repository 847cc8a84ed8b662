// Colors for canvases, read from the VS Code theme's CSS variables at run time and read
// again when the theme changes (VS Code swaps the body class and the variables in place).

export type ThemeKind = 'dark' | 'light' | 'high-contrast' | 'high-contrast-light';

export interface ChartTheme {
  kind: ThemeKind;
  foreground: string;
  muted: string;
  grid: string;
  border: string;
  background: string;
  tooltipBackground: string;
  tooltipForeground: string;
  tooltipBorder: string;
  selection: string;
  fontFamily: string;
  fontSize: number;
  /** One color per run, as many as asked for by runColor(). */
  base: string[];
}

const BASE_VARS = ['--vscode-charts-blue', '--vscode-charts-red', '--vscode-charts-green', '--vscode-charts-yellow', '--vscode-charts-purple', '--vscode-charts-orange'];
const FALLBACK_BASE = ['#3794ff', '#f14c4c', '#89d185', '#cca700', '#b180d7', '#d18616'];

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function themeKind(body: HTMLElement = document.body): ThemeKind {
  if (body.classList.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (body.classList.contains('vscode-high-contrast')) return 'high-contrast';
  if (body.classList.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readTheme(): ChartTheme {
  const style = getComputedStyle(document.body);
  const kind = themeKind();
  const dark = kind === 'dark' || kind === 'high-contrast';
  const foreground = cssVar(style, '--vscode-foreground', dark ? '#cccccc' : '#3b3b3b');
  const contrastBorder = style.getPropertyValue('--vscode-contrastBorder').trim();
  return {
    kind,
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground', foreground),
    // High contrast themes have no subtle grid color: their contrast border is the grid.
    grid: contrastBorder || cssVar(style, '--vscode-editorWidget-border', cssVar(style, '--vscode-panel-border', dark ? '#454545' : '#e5e5e5')),
    border: contrastBorder || cssVar(style, '--vscode-panel-border', dark ? '#454545' : '#e5e5e5'),
    background: cssVar(style, '--vscode-editor-background', dark ? '#1f1f1f' : '#ffffff'),
    tooltipBackground: cssVar(style, '--vscode-editorHoverWidget-background', dark ? '#202020' : '#f8f8f8'),
    tooltipForeground: cssVar(style, '--vscode-editorHoverWidget-foreground', foreground),
    tooltipBorder: cssVar(style, '--vscode-editorHoverWidget-border', dark ? '#454545' : '#c8c8c8'),
    selection: cssVar(style, '--vscode-focusBorder', '#0078d4'),
    fontFamily: cssVar(style, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.parseFloat(cssVar(style, '--vscode-font-size', '13px')) || 13,
    base: BASE_VARS.map((v, i) => cssVar(style, v, FALLBACK_BASE[i])),
  };
}

/**
 * The color of the run at `index` (its position in a comparison): the theme's chart colors
 * first, then hues spread by the golden angle at a lightness that reads on the theme's
 * background, so 20 runs stay distinguishable and a run keeps its color everywhere.
 */
export function runColor(theme: ChartTheme, index: number): string {
  if (index < theme.base.length) return theme.base[index];
  const k = index - theme.base.length;
  const hue = (20 + k * 137.508) % 360;
  switch (theme.kind) {
    case 'light':
      return `hsl(${hue.toFixed(1)}, 70%, ${k % 2 ? 32 : 42}%)`;
    case 'high-contrast':
      return `hsl(${hue.toFixed(1)}, 100%, ${k % 2 ? 60 : 72}%)`;
    case 'high-contrast-light':
      return `hsl(${hue.toFixed(1)}, 100%, ${k % 2 ? 22 : 30}%)`;
    default:
      return `hsl(${hue.toFixed(1)}, 65%, ${k % 2 ? 58 : 68}%)`;
  }
}

let probe: CanvasRenderingContext2D | null | undefined;

/** `color` with alpha `a`, for the faint raw line under a smoothed one. */
export function withAlpha(color: string, a: number): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return color;
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  const c = String(probe.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (hex) return `rgba(${parseInt(hex[1], 16)}, ${parseInt(hex[2], 16)}, ${parseInt(hex[3], 16)}, ${a})`;
  const rgba = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(c);
  return rgba ? `rgba(${rgba[1].trim()}, ${rgba[2].trim()}, ${rgba[3].trim()}, ${a})` : color;
}

/** Calls `fn` whenever the theme (body class or the variables on <html>) changes. */
export function onThemeChange(fn: () => void): void {
  let last = `${document.body.className}|${document.documentElement.getAttribute('style') ?? ''}`;
  let queued = false;
  const check = () => {
    queued = false;
    const now = `${document.body.className}|${document.documentElement.getAttribute('style') ?? ''}`;
    if (now !== last) {
      last = now;
      fn();
    }
  };
  const observer = new MutationObserver(() => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(check);
    }
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}

/** The tooltip box of every chart, in the editor's hover colors. */
export function tooltipColors(t: ChartTheme): { backgroundColor: string; titleColor: string; bodyColor: string; borderColor: string; borderWidth: number } {
  return { backgroundColor: t.tooltipBackground, titleColor: t.tooltipForeground, bodyColor: t.tooltipForeground, borderColor: t.tooltipBorder, borderWidth: 1 };
}
