/**
 * `dumpYaml`: JavaScript values → the exact bytes DVC 3.67.1 (ruamel.yaml 0.19.1) writes for
 * `.dvc` files, `dvc.yaml` and `dvc.lock`.
 *
 * Value mapping (what DVC's Python objects become, see `ruamel/yaml/representer.py`):
 * - `string` → str; `boolean` → `true`/`false`; `null`/`undefined` → null (`key:` / `- `);
 * - `number`: a safe integer → int (`1`); any other number → float (`0.1`, `1e+300`, `.nan`);
 *   wrap integral floats in {@link PyFloat} to get `1.0`; `bigint` → int;
 * - {@link YamlTimestamp} → its text (a date/datetime loaded from a params file);
 * - arrays → block sequences; plain objects and `Map`s → block mappings in insertion order
 *   (`Map` keys may be numbers, booleans, null or PyFloat, as Python dict keys can be).
 */
import { emitYaml, type YamlNode } from './emitter.js';
import { PyFloat, YamlTimestamp, pythonFloatRepr } from './values.js';

function scalarNode(value: unknown): YamlNode | undefined {
  if (typeof value === 'string') return { kind: 'scalar', tag: 'str', text: value };
  if (value === null || value === undefined) return { kind: 'scalar', tag: 'null', text: '' };
  if (typeof value === 'boolean') return { kind: 'scalar', tag: 'bool', text: value ? 'true' : 'false' };
  if (typeof value === 'bigint') return { kind: 'scalar', tag: 'int', text: value.toString() };
  if (typeof value === 'number') {
    // integral numbers beyond 2^53 can only come from float arithmetic: parsers give bigint for big ints
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) return { kind: 'scalar', tag: 'int', text: String(value) };
    return { kind: 'scalar', tag: 'float', text: pythonFloatRepr(value) };
  }
  if (value instanceof PyFloat) return { kind: 'scalar', tag: 'float', text: pythonFloatRepr(value.value) };
  if (value instanceof YamlTimestamp) return { kind: 'scalar', tag: 'timestamp', text: value.text };
  return undefined;
}

/** Converts a JS value to the node tree the emitter writes. */
export function representYaml(value: unknown): YamlNode {
  const scalar = scalarNode(value);
  if (scalar) return scalar;
  if (Array.isArray(value)) return { kind: 'seq', items: value.map(representYaml) };
  if (value instanceof Map) {
    return { kind: 'map', pairs: [...value.entries()].map(([k, v]) => [representYaml(k), representYaml(v)]) };
  }
  if (typeof value === 'object') {
    return {
      kind: 'map',
      pairs: Object.entries(value as Record<string, unknown>).map(([k, v]) => [representYaml(k), representYaml(v)]),
    };
  }
  throw new TypeError(`cannot represent a ${typeof value} in YAML`);
}

/**
 * Serialises `value` exactly as DVC 3.67.1 writes YAML files (ruamel.yaml 0.19.1 round-trip dumper,
 * block style, width 80; `dvc/utils/serialize/_yaml.py`).
 *
 * @param value a mapping or sequence (scalars are accepted too, as ruamel writes them)
 * @returns the document text, ending in one `\n`
 * @throws TypeError for functions and symbols
 */
export function dumpYaml(value: unknown): string {
  return emitYaml(representYaml(value));
}
