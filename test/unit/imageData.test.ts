// A logged SVG must reach a viewer with its type: blob paths have no extension, and a webview
// (like any browser) shows an SVG only when told it is one.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { blobPath, putBytes } from '../../src/core/blobs';
import { imageDataUrl, imageMimeType } from '../../src/core/imageData';
import { ingestAll } from '../../src/core/ingest';
import { getRun } from '../../src/core/runQueries';
import { openIndex } from '../../src/core/store';
import { append, makeRun, tempRoot } from './runFolders';

const SVG = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const ID = '20240101-000000-image0';

test('each logged format has its media type', () => {
  assert.equal(imageMimeType('svg'), 'image/svg+xml');
  assert.equal(imageMimeType('png'), 'image/png');
  assert.equal(imageMimeType('jpeg'), 'image/jpeg');
  assert.equal(imageMimeType('gif'), undefined);
  assert.equal(imageMimeType('constructor'), undefined);
});

test('a logged SVG comes back from the index as a data: URL of type image/svg+xml; odd blobs give none', async () => {
  const tmp = tempRoot('trackside-image-');
  try {
    const svg = await putBytes(tmp.root, SVG);
    const png = await putBytes(tmp.root, PNG);
    append(
      makeRun(tmp.root, ID),
      { t: 1, type: 'image', key: 'plot', step: 0, hash: svg.hash.toUpperCase(), format: 'svg', size: svg.size },
      { t: 2, type: 'image', key: 'photo', step: 0, hash: png.hash, format: 'png', size: png.size },
    );
    const store = openIndex(tmp.root);
    let images;
    try {
      ingestAll(store);
      images = getRun(store, ID)!.images;
    } finally {
      store.close();
    }
    const urls = Object.fromEntries(images.map((i) => [i.key, imageDataUrl(tmp.root, i.hash, i.format)]));
    assert.equal(urls.plot, `data:image/svg+xml;base64,${Buffer.from(SVG).toString('base64')}`);
    assert.equal(urls.photo, `data:image/png;base64,${PNG.toString('base64')}`);

    assert.equal(imageDataUrl(tmp.root, svg.hash, 'svg', SVG.length - 1), undefined, 'over the size limit');
    assert.equal(imageDataUrl(tmp.root, svg.hash, 'gif'), undefined, 'unknown format');
    assert.equal(imageDataUrl(tmp.root, '../../../etc/passwd', 'svg'), undefined, 'not a digest');
    assert.equal(imageDataUrl(tmp.root, 'b'.repeat(64), 'svg'), undefined, 'missing blob');
    rmSync(blobPath(tmp.root, svg.hash));
    execFileSync('mkfifo', [blobPath(tmp.root, svg.hash)]);
    assert.equal(imageDataUrl(tmp.root, svg.hash, 'svg'), undefined, 'a FIFO is not read');
  } finally {
    tmp.cleanup();
  }
});
