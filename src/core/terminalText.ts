// Text from runs (names, keys, params, notes, paths) printed to a terminal. Anyone who can
// write a run folder chooses that text, and a terminal obeys control characters in it
// (ESC ]0; retitles the window, ESC [2J clears it, CR overwrites a line, bidi overrides
// reorder what is shown), so they are printed as visible escapes instead.

// C0 controls, DEL, C1 controls (some terminals take U+009B as CSI), and the bidirectional
// marks, embeddings, overrides and isolates.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text on one line: every control character, newlines and tabs included, escaped. */
export function oneLine(text: string): string {
  return text.replace(CONTROLS, escape);
}

/** Text that may span lines: newlines and tabs kept, every other control character escaped. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROLS_BUT_LINES, escape);
}
