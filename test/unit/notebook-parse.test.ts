// Reading .ipynb files: nbformat 4.x accepted, anything else refused with a message that
// says what is wrong.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cellText, notebookLanguage, runnableCells } from '../../src/core/notebooks/nbformat';
import { NotebookFormatError, parseNotebook, readNotebookFile } from '../../src/core/notebooks/parseNotebook';
import { NOTEBOOK_FIXTURES, bigNotebook, cleanupTempDirs, code, markdown, notebook, serialize, tempDir, writeNotebook } from '../fixtures/notebooks/build';

after(cleanupTempDirs);

function refusal(text: string): NotebookFormatError {
  try {
    parseNotebook(text, 'explore.ipynb');
  } catch (err) {
    assert.ok(err instanceof NotebookFormatError, `expected a NotebookFormatError, got ${String(err)}`);
    return err;
  }
  assert.fail('the notebook was accepted');
}

test('nbformat 4.0 to 4.5 notebooks parse, with and without cell ids', () => {
  for (const minor of [0, 2, 4, 5]) {
    const nb = notebook([markdown('# Title', minor === 5 ? { id: 'intro' } : {}), code(['x = 1\n', 'x'], minor === 5 ? { id: 'calc' } : {})]);
    nb.nbformat_minor = minor;
    const parsed = parseNotebook(serialize(nb));
    assert.equal(parsed.nbformat_minor, minor);
    assert.equal(parsed.cells.length, 2);
    assert.equal(parsed.cells[1].id, minor === 5 ? 'calc' : undefined);
  }
});

test('the sample notebook parses', () => {
  const nb = parseNotebook(readFileSync(join(NOTEBOOK_FIXTURES, '../../../sample/notebook.ipynb'), 'utf8'));
  assert.equal(nb.nbformat, 4);
  assert.ok(nb.cells.some((c) => c.cell_type === 'code' && cellText(c.source).includes('trackside.init(')));
});

test('missing cell metadata and source are filled in; a byte-order mark is ignored', () => {
  const nb = parseNotebook('\ufeff{"nbformat": 4, "nbformat_minor": 2, "metadata": {}, "cells": [{"cell_type": "markdown"}]}');
  assert.deepEqual(nb.cells[0].metadata, {});
  assert.equal(nb.cells[0].source, '');
});

test('a damaged file is refused as not JSON, with where the damage is', () => {
  const err = refusal(readFileSync(join(NOTEBOOK_FIXTURES, 'corrupt.ipynb'), 'utf8'));
  assert.equal(err.problem, 'not-json');
  assert.match(err.message, /^explore\.ipynb is not valid JSON/);
  const broken = refusal('{\n "cells": [],\n "nbformat": 4,,\n}');
  assert.match(broken.message, /line 3, column \d+/);
});

test('an empty file, JSON that is not an object, and JSON without nbformat are refused', () => {
  assert.equal(refusal('  \n').problem, 'empty');
  assert.equal(refusal('[1, 2]').problem, 'not-notebook');
  const plain = refusal('{"name": "package", "version": "1.0.0"}');
  assert.equal(plain.problem, 'not-notebook');
  assert.match(plain.message, /no "nbformat" version/);
  assert.match(refusal('{"nbformat": 4, "metadata": {}}').message, /no list of cells/);
});

test('nbformat 3 (and 5) notebooks are refused by version', () => {
  const v3 = refusal(readFileSync(join(NOTEBOOK_FIXTURES, 'v3.ipynb'), 'utf8'));
  assert.equal(v3.problem, 'version');
  assert.match(v3.message, /nbformat version 3; only nbformat 4 notebooks are supported/);
  assert.equal(refusal('{"nbformat": 5, "cells": []}').problem, 'version');
  assert.equal(refusal('{"nbformat": "4", "cells": []}').problem, 'version');
});

test('cells with the wrong shape are refused, naming the cell', () => {
  const base = (cell: unknown) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', source: 'ok' }, cell] });
  assert.match(refusal(base({ cell_type: 'heading', source: 'x' })).message, /^Cell 2 of explore\.ipynb has an unknown cell_type "heading"/);
  assert.match(refusal(base({ cell_type: 'code', source: 42 })).message, /source that is neither text nor a list of lines/);
  assert.match(refusal(base({ cell_type: 'code', source: '', outputs: {} })).message, /outputs that are not a list/);
  assert.match(refusal(base({ cell_type: 'code', source: '', outputs: [{ text: 'x' }] })).message, /output without an output_type/);
  assert.match(refusal(base({ cell_type: 'markdown', source: '', attachments: [] })).message, /attachments that are not an object/);
  assert.match(refusal(base('just text')).message, /is not an object/);
});

test('a notebook over the size limit is refused before it is read', async () => {
  const dir = tempDir();
  const file = writeNotebook(dir, 'big.ipynb', bigNotebook(2 * 1024 * 1024));
  await assert.rejects(readNotebookFile(file, 1024 * 1024), (err: unknown) => {
    assert.ok(err instanceof NotebookFormatError);
    assert.equal(err.problem, 'too-large');
    assert.match(err.message, /^big\.ipynb is 2\.0 MB, larger than the 1\.0 MB Trackside reads as a notebook\.$/);
    return true;
  });
  const read = await readNotebookFile(file);
  assert.equal(read.notebook.cells.length, 60);
});

test('a cell source joins its lines the way the notebook editor does', () => {
  assert.equal(cellText(['a\n', 'b\n', 'c']), 'a\nb\nc');
  assert.equal(cellText(['a', 'b']), 'a\nb'); // lines without their newline still make lines
  assert.equal(cellText(['a\n', '']), 'a\n');
  assert.equal(cellText('text'), 'text');
  assert.equal(cellText([]), '');
});

test('the language a notebook runs in, and the cells a run executes', () => {
  const r = parseNotebook(readFileSync(join(NOTEBOOK_FIXTURES, 'r-kernel.ipynb'), 'utf8'));
  assert.equal(notebookLanguage(r), 'r');
  assert.equal(notebookLanguage(notebook([])), 'python');
  assert.equal(notebookLanguage({ metadata: { language_info: { name: 'Julia' } } }), 'julia');
  assert.equal(notebookLanguage({ metadata: {} }), 'python');
  const nb = notebook([markdown('# x'), code(''), code(['  \n', '']), code(['x = 1\n', 'x'])]);
  assert.deepEqual(runnableCells(nb).map((c) => cellText(c.source)), ['x = 1\nx']);
});
