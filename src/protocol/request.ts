// A question a webview asks its panel's host, answered once: the answer carries the question's
// id, and a failure comes back as the method's own error (a query's message and column), so the
// webview shows it where it belongs. An unexpected failure answers `{ message }`.

/** Per method: what is asked, what is answered, how it fails. */
export type Methods = Record<string, { params: unknown; value: unknown; error: { message: string } }>;

export type RequestOf<R extends Methods> = {
  [M in keyof R & string]: { type: 'request'; id: number; method: M; params: R[M]['params'] };
}[keyof R & string];

export type ReplyOf<R extends Methods> = {
  [M in keyof R & string]: { type: 'reply'; id: number; method: M; value: R[M]['value'] } | { type: 'reply'; id: number; method: M; error: R[M]['error'] | { message: string } };
}[keyof R & string];
