/**
 * JSON with object keys sorted at every level and no whitespace: the same value always gives the
 * same bytes, whatever order its keys were built in. `undefined` members are dropped.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Float32Array)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Canonical JSON, pretty-printed with two spaces and a final newline (for small manifests). */
export function canonicalJsonPretty(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** One canonical JSON value per line, with a final newline ('' for no rows). */
export function toJsonLines(rows: readonly unknown[]): string {
  let s = '';
  for (const r of rows) s += `${canonicalJson(r)}\n`;
  return s;
}
