/**
 * Python semantics for comparing and ordering loaded values.
 *
 * - {@link compareCodePoints}: Python's `sorted()` order for `str` (by code point; JavaScript's
 *   default sort compares UTF-16 code units, which differs above U+FFFF).
 * - {@link pyEquals}: Python `==` between loaded YAML values: `1 == 1.0 == True`, `NaN != NaN`,
 *   mappings equal regardless of key order, lists element-wise (DVC compares lock entries and
 *   params values this way, e.g. `dvc/dvcfile.py::Lockfile.dump_stages`,
 *   `dvc/dependency/param.py::workspace_status`).
 */
import { compareCodePoints } from '@momo/common';
import type { YamlValue } from '../yaml/parse.js';
import { PyFloat, YamlTimestamp } from '../yaml/values.js';

/** Orders strings by Unicode code point, as Python does. */
export { compareCodePoints };

function numeric(v: unknown): number | bigint | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.value;
  return undefined;
}

function numEq(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  const f = typeof a === 'number' ? a : (b as number);
  const i = typeof a === 'bigint' ? a : (b as bigint);
  return Number.isInteger(f) && BigInt(f) === i;
}

/** Python `a == b` for loaded YAML/JSON values (Maps, arrays, scalars). */
export function pyEquals(a: unknown, b: unknown): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && numEq(na, nb);
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a instanceof YamlTimestamp || b instanceof YamlTimestamp) {
    return a instanceof YamlTimestamp && b instanceof YamlTimestamp && a.text === b.text;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  const ma = toEntries(a);
  const mb = toEntries(b);
  if (!ma || !mb || ma.length !== mb.length) return false;
  return ma.every(([k, v]) => {
    const other = mb.find(([k2]) => pyEquals(k, k2));
    return other !== undefined && pyEquals(v, other[1]);
  });
}

function toEntries(v: unknown): Array<[unknown, unknown]> | undefined {
  if (v instanceof Map) return [...v.entries()];
  if (v && typeof v === 'object') return Object.entries(v as Record<string, YamlValue>);
  return undefined;
}
