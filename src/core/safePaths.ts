// Paths named by events, archives and model records never choose where Trackside writes on
// their own: only a plain relative path that stays inside a folder the user or the workspace
// chose is accepted.
import * as path from 'node:path';
import { EXTERNAL_PREFIX } from './runner/snapshot';

/**
 * `p` when it is a plain relative POSIX path (no absolute or drive path, no backslash or NUL,
 * no empty, `.` or `..` segment), else undefined.
 */
export function safeRelative(p: string): string | undefined {
  if (!p || p.includes('\0') || p.includes('\\') || p.startsWith('/') || /^[A-Za-z]:/.test(p)) return undefined;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..') ? p : undefined;
}

/** `folder/rel` when `rel` is safe and names a file of that folder (a snapshot's external file does not), else undefined. */
export function inside(folder: string, rel: string): string | undefined {
  const safe = rel.startsWith(EXTERNAL_PREFIX) ? undefined : safeRelative(rel);
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
