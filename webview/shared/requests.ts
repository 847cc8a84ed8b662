// The webview side of requests to the host (src/protocol/request.ts): each question gets an id,
// and the host's reply settles its promise, with the method's own error when it fails.
import type { Methods, ReplyOf, RequestOf } from '../../src/protocol/request';

/** A request the host answered with an error. */
export class RequestFailed<E extends { message: string }> extends Error {
  constructor(readonly error: E) {
    super(error.message);
  }
}

export class Requests<R extends Methods> {
  private next = 0;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(err: unknown): void }>();

  constructor(private readonly post: (m: RequestOf<R>) => void) {}

  ask<M extends keyof R & string>(method: M, params: R[M]['params']): Promise<R[M]['value']> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post({ type: 'request', id, method, params } as RequestOf<R>);
    });
  }

  /** Settles the request a reply answers. */
  settle(m: ReplyOf<R>): void {
    const waiting = this.waiting.get(m.id);
    if (!waiting) return;
    this.waiting.delete(m.id);
    if ('error' in m) waiting.reject(new RequestFailed(m.error));
    else waiting.resolve(m.value);
  }
}
