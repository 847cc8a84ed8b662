// Whether an interpreter can run notebooks headless (nbclient, a Jupyter client and
// ipykernel), checked without importing them, and what to install when it cannot.
import { execText } from '../runner/execText';

export const NOTEBOOK_MODULES = ['nbformat', 'nbclient', 'jupyter_client', 'ipykernel'] as const;

const PROBE = `import importlib.util as u
print(",".join(m for m in ${JSON.stringify(NOTEBOOK_MODULES).replace(/"/g, "'").replace('[', '(').replace(']', ')')} if u.find_spec(m) is None))`;

export class NotebookDepsError extends Error {
  override readonly name = 'NotebookDepsError';
  constructor(
    readonly executable: string,
    readonly missing: readonly string[],
  ) {
    super(installHint(executable, missing));
  }
}

/** Modules the interpreter lacks (empty when it has them all). Throws when it cannot be asked. */
export async function missingNotebookModules(executable: string): Promise<string[]> {
  const res = await execText(executable, ['-c', PROBE], { timeoutMs: 20_000 });
  if (res.code !== 0) throw new Error(`Could not ask ${executable} for its Jupyter packages: ${(res.stderr.trim().split('\n').pop() ?? res.error ?? '').slice(0, 300)}`);
  return res.stdout.trim().split(',').filter(Boolean);
}

/** The message for a missing nbclient or kernel: what is missing and both ways to install it. */
export function installHint(executable: string, missing: readonly string[]): string {
  return (
    `Running a notebook as a tracked run needs nbclient and ipykernel in the run's Python (${executable}), ` +
    `which is missing ${missing.join(', ')}. Install them with \`${executable} -m pip install nbclient ipykernel\`, ` +
    'or for Debian/Ubuntu\'s system Python with `sudo apt-get install python3-nbclient python3-ipykernel`.'
  );
}
