// What a logged image is to a viewer: its media type, and the image inline as a data: URL.
// A webview serves a local file with the type its extension names, and a blob's path has no
// extension: browsers recognise PNG and JPEG by their bytes, but never SVG (sniffing SVG would
// be unsafe), so an SVG shown from its blob path stays blank. Inline, it carries its type.
import { blobPath } from './blobs';
import type { ImageEvent } from './events';
import { readSmallFileBytes } from './regularFile';

export type ImageFormat = ImageEvent['format'];

const MIME: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', svg: 'image/svg+xml' };

/** Inline images larger than this are left to their blob path. */
export const MAX_INLINE_IMAGE_BYTES = 4 * 1024 * 1024;

/** The media type of a logged image format; undefined for a format the log does not define. */
export function imageMimeType(format: string): string | undefined {
  return Object.hasOwn(MIME, format) ? MIME[format as ImageFormat] : undefined;
}

/**
 * The image as `data:<type>;base64,…` (an <img> never runs an SVG's scripts), or undefined
 * when the format is unknown, the blob is missing, not a regular file, or over `maxBytes`.
 */
export function imageDataUrl(root: string, hash: string, format: string, maxBytes = MAX_INLINE_IMAGE_BYTES): string | undefined {
  const type = imageMimeType(format);
  if (!type) return undefined;
  let file: string;
  try {
    file = blobPath(root, hash.toLowerCase());
  } catch {
    return undefined; // not a digest: names no blob
  }
  const bytes = readSmallFileBytes(file, maxBytes);
  return bytes && `data:${type};base64,${bytes.toString('base64')}`;
}
