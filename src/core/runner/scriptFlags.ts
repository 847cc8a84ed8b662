// The argparse flags a Python script declares and their defaults, read statically by the
// interpreter's ast module in a helper process (src/python/trackside_argflags.py): the
// script itself never runs.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface ScriptFlag {
  /** As declared, e.g. "--batch-size". */
  flag: string;
  /** A literal default; null when there is none or it is computed. */
  default: unknown;
  /** The name given as type= (int, float, str…), when a plain name. */
  type: string | null;
  /** action=, e.g. "store_true". */
  action: string | null;
  help: string | null;
}

const TIMEOUT_MS = 10_000;

/** Throws with the parser's message when the script does not parse. */
export function readScriptFlags(interpreter: string, clientPath: string, script: string): Promise<ScriptFlag[]> {
  return new Promise((resolve, reject) => {
    execFile(interpreter, [join(clientPath, 'trackside_argflags.py'), script], { timeout: TIMEOUT_MS, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`Could not read the flags of ${script}: ${stderr.trim() || err.message}`));
      const out = JSON.parse(stdout) as { flags?: ScriptFlag[]; error?: string };
      if (out.error) return reject(new Error(`${script} does not parse (${out.error}).`));
      resolve(out.flags ?? []);
    });
  });
}

/**
 * The box's starting text: every flag that takes a value, as `key=value` (key: the flag
 * without its dashes), with the last run's value where it had one, else the default.
 */
export function flagsText(flags: readonly ScriptFlag[], last: Readonly<Record<string, unknown>> = {}): string {
  const parts: string[] = [];
  for (const f of flags) {
    if (f.action && f.action !== 'store') continue;
    const key = f.flag.replace(/^--/, '');
    const value = key in last ? last[key] : (last[key.replace(/-/g, '_')] ?? f.default);
    if (value === null || value === undefined || typeof value === 'object') continue;
    const text = String(value);
    parts.push(`${key}=${/[\s"']/.test(text) ? JSON.stringify(text) : text}`);
  }
  return parts.join(' ');
}
