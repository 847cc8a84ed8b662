// The parts of the Jupyter notebook format (nbformat 4.x) Trackside reads. Everything else
// in a notebook is kept as it is: checkpoints store the file's bytes, not this model.

export type CellType = 'code' | 'markdown' | 'raw';

/** A string, or a list of lines as Jupyter writes it. */
export type MultilineString = string | string[];

export interface NotebookOutput {
  output_type: string;
  [key: string]: unknown;
}

export interface NotebookCell {
  cell_type: CellType;
  /** Present from nbformat 4.5 on. */
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  /** Markdown and raw cells: images pasted into the cell, by file name. */
  attachments?: Record<string, unknown>;
  /** Code cells only. */
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/**
 * A cell's text, joined the way the notebook editor joins it: list items are lines, and an
 * item that does not end with a newline still gets one unless it is the last.
 */
export function cellText(source: MultilineString): string {
  if (!Array.isArray(source)) return source;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const s = source[i];
    out += i < source.length - 1 && !s.endsWith('\n') ? `${s}\n` : s;
  }
  return out;
}

/** The notebook's language as its kernel spec (or, failing that, language info) names it; "python" when neither does. */
export function notebookLanguage(nb: Pick<Notebook, 'metadata'>): string {
  const spec = nb.metadata.kernelspec as { language?: unknown } | undefined;
  const info = nb.metadata.language_info as { name?: unknown } | undefined;
  const language = typeof spec?.language === 'string' ? spec.language : typeof info?.name === 'string' ? info.name : 'python';
  return language.toLowerCase();
}

/** Code cells that run: code cells with some source. */
export function runnableCells(nb: Pick<Notebook, 'cells'>): NotebookCell[] {
  return nb.cells.filter((c) => c.cell_type === 'code' && cellText(c.source).trim() !== '');
}
