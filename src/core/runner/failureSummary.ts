// The `error` of a failed run's status event: the Python traceback from the end of its
// stderr when there is one, else the last lines of stderr.

const MAX_TAIL = 16 * 1024;
const MAX_ERROR = 4000;

export class StderrTail {
  private text = '';

  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > MAX_TAIL * 2) this.text = this.text.slice(-MAX_TAIL);
  }

  summary(): string | undefined {
    return summarizeFailure(this.text.slice(-MAX_TAIL));
  }
}

export function summarizeFailure(stderr: string): string | undefined {
  const at = stderr.lastIndexOf('Traceback (most recent call last):');
  let out = at >= 0 ? stderr.slice(at) : stderr.split(/\r?\n/).slice(-20).join('\n');
  out = out.trim();
  if (out === '') return undefined;
  return out.length > MAX_ERROR ? '…' + out.slice(-MAX_ERROR) : out;
}
