// The folder name for one notebook's checkpoints: readable, and unique per path.
import { createHash } from 'node:crypto';

/** `explore-1f3a9c0b2d4e` for "analysis/explore.ipynb". */
export function notebookKey(relPath: string): string {
  const base = relPath.split('/').pop()!.replace(/\.ipynb$/i, '');
  const slug = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 40) || 'notebook';
  return `${slug}-${createHash('sha1').update(relPath).digest('hex').slice(0, 12)}`;
}
