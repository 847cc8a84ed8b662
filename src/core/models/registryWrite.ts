// Writing the model registry. A version number is claimed by creating its file with a hard
// link from a complete temp file: link() fails if the name exists, so two writers (the
// client in two processes, the editor) can never get the same number, and a reader never
// sees a half-written file. Alias moves are single O_APPEND lines in the model's log.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendJsonLine } from '../appendLine';
import type { AliasEvent } from '../events';
import { checkAlias, checkModelName } from './modelNames';
import { aliasLog, modelDir, versionFile, versionOfFileName, versionsDir } from './registryPaths';
import type { VersionRecord } from './versionRecord';

/** The highest version with a file, 0 when there is none. */
export function highestVersion(root: string, name: string): number {
  let names: string[];
  try {
    names = readdirSync(versionsDir(root, name));
  } catch {
    return 0;
  }
  let max = 0;
  for (const f of names) max = Math.max(max, versionOfFileName(f) ?? 0);
  return max;
}

/** Writes the record under the next free version number and returns that number. */
export function claimVersion(root: string, record: Omit<VersionRecord, 'version'>): number {
  const name = checkModelName(record.name);
  const dir = versionsDir(root, name);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  let version = highestVersion(root, name) + 1;
  try {
    for (;;) {
      const { t, type, ...rest } = record;
      writeFileSync(tmp, `${JSON.stringify({ t, type, ...rest, version })}\n`);
      try {
        linkSync(tmp, versionFile(root, name, version));
        return version;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') {
          version = Math.max(version + 1, highestVersion(root, name) + 1);
          continue;
        }
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw e;
        // No hard links here: exclusive create still keeps the number unique.
        try {
          writeFileSync(versionFile(root, name, version), `${JSON.stringify({ t, type, ...rest, version })}\n`, { flag: 'wx' });
          return version;
        } catch (e2) {
          if ((e2 as NodeJS.ErrnoException).code !== 'EEXIST') throw e2;
          version++;
        }
      }
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Why a gate moved an alias, kept on the alias line. */
export type AliasNote = Pick<AliasEvent, 'gate' | 'commit' | 'url'>;

/** Points `alias` at `version` (or removes it) in the model's alias log. */
export function writeAlias(root: string, name: string, alias: string, version: number | null, t = Date.now(), note: AliasNote = {}): AliasEvent {
  checkModelName(name);
  checkAlias(alias);
  if (version !== null && !existsSync(versionFile(root, name, version))) throw new Error(`${name} has no version ${version}`);
  const event: AliasEvent = version === null ? { t, type: 'alias', alias, removed: true } : { t, type: 'alias', alias, version, ...note };
  mkdirSync(modelDir(root, name), { recursive: true });
  appendJsonLine(aliasLog(root, name), event);
  return event;
}
