// Paths named by events (artifact files, snapshot paths) never choose where the extension
// writes on their own: only a plain relative path that stays inside a folder the user or the
// workspace chose is accepted. Pure: no editor API.
import * as path from 'node:path';

/** The relative path as POSIX segments, or undefined when it is absolute, empty or climbs out. */
export function safeRelative(p: string): string | undefined {
  if (!p || p.includes('\0') || p.startsWith('(external)/')) return undefined;
  const posix = p.replace(/\\/g, '/');
  if (posix.startsWith('/') || /^[A-Za-z]:/.test(posix)) return undefined;
  const parts = posix.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.length === 0 || parts.some((s) => s === '..')) return undefined;
  return parts.join('/');
}

/** `folder/rel` when it stays inside `folder`, else undefined. */
export function inside(folder: string, rel: string): string | undefined {
  const safe = safeRelative(rel);
  if (!safe) return undefined;
  const base = path.resolve(folder);
  const target = path.resolve(base, ...safe.split('/'));
  return target.startsWith(base + path.sep) ? target : undefined;
}

/** A file name made from a logged name: its last segment, with only harmless characters. */
export function safeFileName(name: string, fallback = 'artifact'): string {
  const last = name.replace(/\\/g, '/').split('/').filter(Boolean).pop() ?? '';
  const clean = last.replace(/[^\w.\- ]+/g, '_').replace(/^\.+/, '').slice(0, 120);
  return clean || fallback;
}
