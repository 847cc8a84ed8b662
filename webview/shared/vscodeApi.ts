// The webview side of a panel's channel: typed posts to the host, typed messages from it,
// and the state VS Code keeps across reloads (getState/setState).

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Channel<In, Out, State> {
  post(message: Out): void;
  onMessage(handler: (message: In) => void): void;
  state(): State | undefined;
  setState(state: State): void;
}

let api: VsCodeApi | undefined;

/** Connects once; call `ready()` after the handlers are attached. */
export function connect<In, Out, State>(): Channel<In, Out, State> {
  api ??= acquireVsCodeApi();
  const vscode = api;
  return {
    post: (message) => vscode.postMessage(message),
    onMessage: (handler) => window.addEventListener('message', (e: MessageEvent) => handler(e.data as In)),
    state: () => (vscode.getState() as State | undefined) ?? undefined,
    setState: (state) => vscode.setState(state),
  };
}
