// JSON text for output meant for other programs: JSON has no NaN or ±Infinity, so they are
// written as the strings "NaN", "Infinity" and "-Infinity" (as in the event log).

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

export function toJsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, replacer, indent);
}
