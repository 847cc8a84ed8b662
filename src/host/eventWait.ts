import type * as vscode from 'vscode';

/** True once `holds()` is true, checked now and at each of `events`; false after `ms`. */
export function holdsWithin(events: vscode.Event<unknown>[], holds: () => boolean, ms: number): Promise<boolean> {
  if (holds()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      for (const s of subs) s.dispose();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    const subs = events.map((event) => event(() => holds() && done(true)));
  });
}
