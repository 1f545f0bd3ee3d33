/**
 * Scalar wrappers for values whose YAML spelling JavaScript cannot carry in a primitive.
 *
 * DVC writes Python objects: a Python `float` that happens to be integral (`1.0`) is written
 * `1.0`, while a JavaScript `1` would be written `1`. Values read from params files and
 * `dvc.lock` keep that distinction by being wrapped in {@link PyFloat}; dates read from YAML
 * params files become {@link YamlTimestamp} so they are written back the way Python writes them.
 */

/** A Python `float`. Use it where a value must be written with float spelling (`1.0`, `1e+16`). */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return pythonFloatRepr(this.value);
  }
  toJSON(): number {
    return this.value;
  }
}

/**
 * A YAML timestamp as Python's YAML loader would produce it (`datetime.date`/`datetime.datetime`).
 * `text` is how ruamel.yaml writes that Python object back (`2020-01-02`, `2020-01-02 03:04:05`).
 */
export class YamlTimestamp {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

/** True for values that are Python floats when DVC handles them. */
export function isPyFloat(v: unknown): v is PyFloat {
  return v instanceof PyFloat;
}

/**
 * Python's `repr(float)` (shortest round-trip digits), as ruamel.yaml writes floats
 * (`representer.py::represent_float`: `repr(x).lower()`, `.nan`, `.inf`, `-.inf`).
 * Fixed notation when the decimal exponent is in [-4, 16), else `d.ddde±XX`; integral values in
 * fixed notation get `.0`.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument yields the shortest digits that round-trip.
  const exp = x.toExponential();
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp);
  if (!m) throw new Error(`unexpected exponential form ${exp}`);
  const sign = m[1];
  const digits = m[2] + (m[3] ?? '');
  const e = Number(m[4]);
  if (e < -4 || e >= 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(e);
    return `${sign}${mant}e${e < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  const point = e + 1; // digits before the decimal point
  let intPart: string;
  let fracPart: string;
  if (point <= 0) {
    intPart = '0';
    fracPart = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    intPart = digits + '0'.repeat(point - digits.length);
    fracPart = '0';
  } else {
    intPart = digits.slice(0, point);
    fracPart = digits.slice(point);
  }
  return `${sign}${intPart}.${fracPart}`;
}
