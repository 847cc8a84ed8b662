// A stand-in for the `vscode` module, enough to load the bundled extension in plain Node:
// it records registered commands and answers everything else with inert objects. Used by
// the command-contract test and by the activation benchmark (never for behaviour tests:
// those run in a real VS Code).
import Module from 'node:module';

type AnyFn = (...args: unknown[]) => unknown;

/** Anything: callable, constructible, every property another inert value. */
function inert(): unknown {
  const target = function () {} as unknown as AnyFn;
  return new Proxy(target, {
    set: () => true,
    get: (_t, prop) => (prop === 'then' ? undefined : prop === Symbol.toPrimitive ? () => '' : inert()),
    apply: () => inert(),
    construct: () => inert() as object,
  });
}

class EventEmitter<T> {
  private listeners = new Set<(e: T) => void>();
  event = (l: (e: T) => void) => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...ds: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => ds.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

class TreeItem {
  constructor(
    public label: string,
    public collapsibleState?: number,
  ) {}
}

export interface StubState {
  commands: Map<string, AnyFn>;
  workspaceFolder?: string;
  /** Tree data providers by view id, as passed to createTreeView. */
  trees?: Map<string, unknown>;
}

export function installVscodeStub(state: StubState): void {
  const uri = (p: string) => ({ fsPath: p, path: p, scheme: 'file', toString: () => `file://${p}` });
  const api: Record<string, unknown> = {
    EventEmitter,
    Disposable,
    TreeItem,
    ThemeIcon: class {
      constructor(public id: string) {}
    },
    ThemeColor: class {
      constructor(public id: string) {}
    },
    MarkdownString: inert(),
    RelativePattern: class {},
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ProgressLocation: { Notification: 15 },
    Uri: { file: uri, joinPath: inert(), from: inert() },
    window: new Proxy(
      {
        createTreeView: (id: string, opts: { treeDataProvider: unknown }) => {
          state.trees?.set(id, opts.treeDataProvider);
          return inert();
        },
      },
      { get: (t, p) => (p in t ? (t as Record<string | symbol, unknown>)[p] : inert()) },
    ),
    extensions: inert(),
    languages: inert(),
    env: inert(),
    notebooks: inert(),
    commands: {
      registerCommand: (id: string, fn: AnyFn) => {
        state.commands.set(id, fn);
        return new Disposable(() => state.commands.delete(id));
      },
      executeCommand: async () => undefined,
    },
    workspace: new Proxy(
      {
        get workspaceFolders() {
          return state.workspaceFolder ? [{ uri: uri(state.workspaceFolder), name: 'ws', index: 0 }] : undefined;
        },
        getConfiguration: () => ({ get: (_k: string, d: unknown) => d }),
      },
      { get: (t, p) => (p in t ? (t as Record<string | symbol, unknown>)[p] : inert()) },
    ),
  };
  const vscode = new Proxy(api, { get: (t, p) => (p in t ? t[p as string] : inert()) });
  const load = (Module as unknown as { _load: AnyFn })._load;
  (Module as unknown as { _load: AnyFn })._load = function (request: unknown, ...rest: unknown[]) {
    if (request === 'vscode') return vscode;
    return load.call(this, request, ...rest);
  };
}

interface Memento {
  get<T>(key: string, fallback?: T): T | undefined;
  update(key: string, value: unknown): Promise<void>;
}

function memento(): Memento {
  const values = new Map<string, unknown>();
  return {
    get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
    update: async (key, value) => void values.set(key, value),
  };
}

/** A minimal ExtensionContext. */
export function fakeContext(extensionPath: string): {
  subscriptions: { dispose(): unknown }[];
  extensionPath: string;
  globalStorageUri: { fsPath: string };
  workspaceState: Memento;
  globalState: Memento;
} {
  return { subscriptions: [], extensionPath, globalStorageUri: { fsPath: '/tmp/trackside-global' }, workspaceState: memento(), globalState: memento() };
}
