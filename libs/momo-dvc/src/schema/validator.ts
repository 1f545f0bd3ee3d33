/**
 * A small schema-validation kit that reports errors the way voluptuous (the library DVC validates
 * `dvc.yaml`, `dvc.lock` and `.dvc` files with) does: the same messages (`extra keys not allowed`,
 * `required key not provided`, `expected str`, `expected a dictionary`, …), the same error paths, and
 * the same choice among alternatives (`Any` keeps the error with the deepest path; a sequence item
 * whose error is deeper than the item aborts the sequence).
 *
 * Behaviour mirrors `voluptuous/schema_builder.py` (`_compile_mapping`, `_compile_sequence`,
 * `_compile_scalar`) and `voluptuous/validators.py::Any`, re-expressed for loaded YAML values
 * (mappings are `Map`s).
 */
import { PyFloat } from '../yaml/values.js';

export type SchemaPath = Array<string | number | boolean | null | unknown>;

/** One validation error: voluptuous' `error_message` and `path`. */
export interface SchemaError {
  message: string;
  path: SchemaPath;
}

/** Raised by validators; `errors` has one entry unless several keys failed. */
export class SchemaInvalid extends Error {
  constructor(readonly errors: SchemaError[]) {
    super(errors[0]?.message ?? 'invalid');
  }
  /** Path of the first error (what voluptuous' MultipleInvalid.path is). */
  get path(): SchemaPath {
    return this.errors[0]?.path ?? [];
  }
}

/** A compiled validator: returns nothing, throws {@link SchemaInvalid}. */
export type Validator = (path: SchemaPath, value: unknown) => void;

function fail(message: string, path: SchemaPath): never {
  throw new SchemaInvalid([{ message, path }]);
}

/** Python type names used in "expected <type>" messages. */
export type PyType = 'str' | 'bool' | 'int' | 'dict' | 'list' | 'float';

/** isinstance() for loaded YAML values. Python bools are ints. */
export function isPyInstance(value: unknown, type: PyType): boolean {
  switch (type) {
    case 'str':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'int':
      return (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint' || typeof value === 'boolean';
    case 'float':
      return value instanceof PyFloat;
    case 'dict':
      return value instanceof Map;
    case 'list':
      return Array.isArray(value);
  }
}

/** `str`, `bool`, `int`, `dict`, `list` used as a schema: an isinstance check. */
export function type(t: PyType): Validator {
  return (path, value) => {
    if (!isPyInstance(value, t)) fail(`expected ${t}`, path);
  };
}

/** `object` as a schema: anything. */
export const anything: Validator = () => {};

/** A literal schema (e.g. `None`): equality. */
export function literal(expected: unknown): Validator {
  return (path, value) => {
    if (value !== expected) fail('not a valid value', path);
  };
}

/** `vol.Equal(v, msg)`. */
export function equal(expected: unknown, message: string): Validator {
  return (path, value) => {
    if (value !== expected) fail(message, path);
  };
}

/** `vol.Any(...)`: the first passing validator wins; else the error with the deepest path. */
export function any(...validators: Validator[]): Validator {
  return (path, value) => {
    let error: SchemaInvalid | undefined;
    for (const v of validators) {
      try {
        v(path, value);
        return;
      } catch (e) {
        if (!(e instanceof SchemaInvalid)) throw e;
        if (!error || e.path.length > error.path.length) error = e;
      }
    }
    if (error) throw error;
    fail('no valid value found', path);
  };
}

/** `vol.All(...)`: every validator in order. */
export function all(...validators: Validator[]): Validator {
  return (path, value) => {
    for (const v of validators) v(path, value);
  };
}

/** `vol.Length(max=n)` for mappings/lists. */
export function maxLength(n: number): Validator {
  return (path, value) => {
    const len = value instanceof Map ? value.size : Array.isArray(value) ? value.length : 0;
    if (len > n) fail(`length of value must be at most ${n}`, path);
  };
}

/** `[A, B, ...]` as a schema: a list whose items each match one of the validators. */
export function listOf(...validators: Validator[]): Validator {
  return (path, value) => {
    if (!Array.isArray(value)) fail('expected a list', path);
    const errors: SchemaError[] = [];
    value.forEach((item, i) => {
      const itemPath = [...path, i];
      let invalid: SchemaInvalid | undefined;
      for (const v of validators) {
        try {
          v(itemPath, item);
          invalid = undefined;
          return;
        } catch (e) {
          if (!(e instanceof SchemaInvalid)) throw e;
          if (e.path.length > itemPath.length) throw e;
          invalid = e;
        }
      }
      if (invalid) errors.push(...invalid.errors);
    });
    if (errors.length) throw new SchemaInvalid(errors);
  };
}

/** A key of a mapping schema: a literal key (optionally required), or a type (`str`). */
export type KeySpec =
  | { literal: string; required?: boolean; message?: string }
  | { type: PyType };

/**
 * A mapping schema: `entries` pairs key specs with value validators, tried in voluptuous' order
 * (literal keys equal to the data key first, then type keys). Unmatched keys are errors unless
 * `extra` is true.
 */
export function mapping(entries: Array<[KeySpec, Validator]>, options: { extra?: boolean } = {}): Validator {
  const literalEntries = new Map<string, Array<[KeySpec, Validator]>>();
  const typeEntries: Array<[KeySpec, Validator]> = [];
  for (const e of entries) {
    const k = e[0];
    if ('literal' in k) {
      const list = literalEntries.get(k.literal) ?? [];
      list.push(e);
      literalEntries.set(k.literal, list);
    } else typeEntries.push(e);
  }
  return (path, value) => {
    if (!(value instanceof Map)) fail('expected a dictionary', path);
    const required = new Set(entries.filter(([k]) => 'literal' in k && k.required).map(([k]) => k));
    const errors: SchemaError[] = [];
    for (const [key, val] of value) {
      const keyPath = [...path, key];
      const candidates = [...(typeof key === 'string' ? (literalEntries.get(key) ?? []) : []), ...typeEntries];
      let keyError: SchemaInvalid | undefined;
      let matched = false;
      for (const [spec, validate] of candidates) {
        if ('type' in spec && !isPyInstance(key, spec.type)) {
          const e = new SchemaInvalid([{ message: `expected ${spec.type}`, path: keyPath }]);
          if (!keyError || e.path.length > keyError.path.length) keyError = e;
          continue;
        }
        matched = true;
        try {
          validate(keyPath, val);
        } catch (e) {
          if (!(e instanceof SchemaInvalid)) throw e;
          errors.push(...e.errors);
        }
        required.delete(spec);
        break;
      }
      if (!matched) {
        if (options.extra) continue;
        if (keyError) errors.push(...keyError.errors);
        else errors.push({ message: 'extra keys not allowed', path: keyPath });
      }
    }
    for (const spec of required) {
      const s = spec as { literal: string; message?: string };
      errors.push({ message: s.message ?? 'required key not provided', path: [...path, s.literal] });
    }
    if (errors.length) throw new SchemaInvalid(errors);
  };
}

/** A plain validator function that prepends the current path to its errors (voluptuous callables). */
export function custom(fn: (value: unknown) => Validator): Validator {
  return (path, value) => fn(value)(path, value);
}

/** Runs a validator at the root; returns the errors (empty when valid). */
export function validate(validator: Validator, value: unknown): SchemaError[] {
  try {
    validator([], value);
    return [];
  } catch (e) {
    if (e instanceof SchemaInvalid) return e.errors;
    throw e;
  }
}
