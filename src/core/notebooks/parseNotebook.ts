// Reads a .ipynb and checks it is a notebook Trackside can work with (nbformat 4), with an
// error that says what is wrong in words a user can act on.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CellType, Notebook, NotebookCell } from './nbformat';

export type NotebookProblem = 'empty' | 'not-json' | 'not-notebook' | 'version' | 'bad-cell' | 'too-large';

export class NotebookFormatError extends Error {
  override readonly name = 'NotebookFormatError';
  constructor(
    readonly problem: NotebookProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Above this a notebook is not parsed (its bytes can still be checkpointed). */
export const MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024;

const CELL_TYPES: ReadonlySet<string> = new Set<CellType>(['code', 'markdown', 'raw']);

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isMultiline(x: unknown): boolean {
  return typeof x === 'string' || (Array.isArray(x) && x.every((s) => typeof s === 'string'));
}

/** Parses notebook text; `name` is used in messages. Throws NotebookFormatError. */
export function parseNotebook(text: string, name = 'The notebook'): Notebook {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new NotebookFormatError('empty', `${name} is empty.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new NotebookFormatError('not-json', `${name} is not valid JSON${where(text, (err as Error).message)}; it may be damaged or still being written.`);
  }
  if (!isObj(json)) throw new NotebookFormatError('not-notebook', `${name} is not a Jupyter notebook (the file is JSON, but not an object).`);
  const version = json.nbformat;
  if (version === undefined) throw new NotebookFormatError('not-notebook', `${name} is not a Jupyter notebook (it has no "nbformat" version).`);
  if (version !== 4) {
    const v = typeof version === 'number' ? `version ${version}` : `the version ${JSON.stringify(version).slice(0, 20)}`;
    throw new NotebookFormatError('version', `${name} uses nbformat ${v}; only nbformat 4 notebooks are supported (Jupyter converts older notebooks when it saves them).`);
  }
  if (!Array.isArray(json.cells)) throw new NotebookFormatError('not-notebook', `${name} has no list of cells.`);
  if (json.metadata !== undefined && !isObj(json.metadata)) throw new NotebookFormatError('not-notebook', `${name} has notebook metadata that is not an object.`);
  json.cells.forEach((cell, i) => checkCell(cell, i, name));
  return {
    nbformat: 4,
    nbformat_minor: typeof json.nbformat_minor === 'number' ? json.nbformat_minor : 0,
    metadata: (json.metadata as Obj | undefined) ?? {},
    cells: json.cells as NotebookCell[],
  };
}

function checkCell(cell: unknown, i: number, name: string): void {
  const bad = (what: string): never => {
    throw new NotebookFormatError('bad-cell', `Cell ${i + 1} of ${name} ${what}.`);
  };
  if (!isObj(cell)) bad('is not an object');
  const c = cell as Obj;
  if (typeof c.cell_type !== 'string' || !CELL_TYPES.has(c.cell_type)) bad(`has an unknown cell_type ${JSON.stringify(c.cell_type ?? null)}`);
  if (c.source === undefined) c.source = '';
  else if (!isMultiline(c.source)) bad('has a source that is neither text nor a list of lines');
  if (c.metadata === undefined) c.metadata = {};
  else if (!isObj(c.metadata)) bad('has metadata that is not an object');
  if (c.id !== undefined && typeof c.id !== 'string') bad('has an id that is not a string');
  if (c.attachments !== undefined && c.attachments !== null && !isObj(c.attachments)) bad('has attachments that are not an object');
  if (c.outputs !== undefined && c.outputs !== null) {
    if (!Array.isArray(c.outputs)) bad('has outputs that are not a list');
    for (const o of c.outputs as unknown[]) if (!isObj(o) || typeof o.output_type !== 'string') bad('has an output without an output_type');
  }
}

/** " (line 3, column 14)" from a JSON.parse message that names a position, else "". */
function where(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return '';
  const pos = Math.min(Number(m[1]), text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return ` (line ${line}, column ${pos - lineStart + 1})`;
}

export interface NotebookFile {
  notebook: Notebook;
  bytes: Buffer;
}

/** Reads and parses a notebook file, refusing files over `maxBytes` before reading them. */
export async function readNotebookFile(path: string, maxBytes = MAX_NOTEBOOK_BYTES): Promise<NotebookFile> {
  const { size } = await stat(path);
  if (size > maxBytes) throw tooLarge(basename(path), size, maxBytes);
  const bytes = await readFile(path);
  return { notebook: parseNotebook(bytes.toString('utf8'), basename(path)), bytes };
}

export function tooLarge(name: string, size: number, maxBytes: number): NotebookFormatError {
  return new NotebookFormatError('too-large', `${name} is ${formatMB(size)}, larger than the ${formatMB(maxBytes)} Trackside reads as a notebook.`);
}

export function formatMB(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : mb.toFixed(1)} MB`;
}
