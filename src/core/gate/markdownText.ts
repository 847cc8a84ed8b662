// Text from run data in GitHub-flavoured Markdown: anyone who can write a run folder chooses
// it (names, keys, columns, params), so it is shown as text, never as markup, links or HTML.
import { oneLine } from '../terminalText';

const SPECIAL = /[\\`*_[\]<>#|~&]/g;

/** One line of literal text, safe inside a paragraph or a table cell. */
export function mdText(text: string): string {
  return oneLine(text).replace(SPECIAL, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));
}

/** A table row. */
export function mdRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A table: head, alignment ("l" or "r" per column), rows. */
export function mdTable(head: string[], align: string, rows: string[][]): string[] {
  return [mdRow(head), mdRow([...align].map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(mdRow)];
}

/** A value for Mermaid's quoted strings, which have no escapes (and where tags could become markup). */
export function mermaidText(text: string): string {
  return oneLine(text)
    .replace(/["`\\]/g, "'")
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .slice(0, 80);
}
