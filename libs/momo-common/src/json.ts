/** A plain JSON value: what the stores accept as metadata and persist byte-for-byte. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Compares strings by UTF-16 code unit, the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * JSON with object keys sorted recursively (by UTF-16 code unit) and no whitespace: the same value
 * gives the same bytes whatever order its keys were built in. `undefined` members are dropped.
 */
export function stringifyCanonical(value: JsonValue | undefined): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => stringifyCanonical(v)).join(',')}]`;
  const keys = Object.keys(value).sort(compareStrings);
  const parts: string[] = [];
  for (const k of keys) {
    const v = value[k];
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${stringifyCanonical(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * Checks that `value` is plain JSON (finite numbers, plain objects, no cycles) and returns a deep copy,
 * or a string describing the first problem (with its `$.a[0].b` path).
 */
export function cloneJson(value: unknown, path = '$', seen: Set<object> = new Set()): { ok: true; value: JsonValue } | { ok: false; problem: string } {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return { ok: true, value };
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, problem: `${path} is ${value}, not a finite number` };
  }
  if (typeof value !== 'object') return { ok: false, problem: `${path} is a ${typeof value}, not JSON` };
  if (seen.has(value)) return { ok: false, problem: `${path} is a circular reference` };
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const out: JsonValue[] = [];
      for (let i = 0; i < value.length; i++) {
        const r = cloneJson(value[i], `${path}[${i}]`, seen);
        if (!r.ok) return r;
        out.push(r.value);
      }
      return { ok: true, value: out };
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return { ok: false, problem: `${path} is not a plain object` };
    const out: { [k: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const r = cloneJson(v, `${path}.${k}`, seen);
      if (!r.ok) return r;
      out[k] = r.value;
    }
    return { ok: true, value: out };
  } finally {
    seen.delete(value);
  }
}
