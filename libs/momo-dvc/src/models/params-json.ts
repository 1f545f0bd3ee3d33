/**
 * JSON parsing with Python's `json.loads` semantics, for JSON params files.
 *
 * `JSON.parse` loses what DVC keeps: `1.0` and `1e5` are Python floats (written `1.0`, `100000.0`
 * in `dvc.lock`), integers have arbitrary precision, duplicate keys keep the last value at the
 * first key's position, and Python accepts `NaN`, `Infinity` and `-Infinity`. Mappings are `Map`s
 * in file order.
 */
import { PyFloat } from '../yaml/values.js';
import type { YamlValue } from '../yaml/parse.js';

/** A JSON syntax error with Python's wording (`json.decoder.JSONDecodeError`). */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message}: line ${line} column ${column}`);
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);

/** Parses JSON text like Python's `json.loads`. */
export function parseJsonPython(text: string): YamlValue {
  let i = 0;
  const err = (msg: string, at = i): never => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new JsonSyntaxError(msg, line, column);
  };
  const skip = () => {
    while (i < text.length && WS.has(text[i]!)) i++;
  };
  const parseString = (): string => {
    // at opening quote
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) err('Unterminated string starting at');
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return out;
      }
      if (ch === '\\') {
        const e = text[i + 1];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in map) {
          out += map[e];
          i += 2;
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) err('Invalid \\uXXXX escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else err('Invalid \\escape');
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) err('Invalid control character at');
      out += ch;
      i++;
    }
  };
  const parseNumber = (): YamlValue => {
    const m = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i));
    if (!m) return err('Expecting value');
    i += m[0].length;
    if (m[1] !== undefined || m[2] !== undefined) return new PyFloat(Number(m[0]));
    const big = BigInt(m[0]);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  };
  const parseValue = (): YamlValue => {
    skip();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const m = new Map<string, YamlValue>();
      skip();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') err('Expecting property name enclosed in double quotes');
        const key = parseString();
        skip();
        if (text[i] !== ':') err("Expecting ':' delimiter");
        i++;
        m.set(key, parseValue());
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return m;
        }
        err("Expecting ',' delimiter");
      }
    }
    if (ch === '[') {
      i++;
      const arr: YamlValue[] = [];
      skip();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue());
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        err("Expecting ',' delimiter");
      }
    }
    if (ch === '"') return parseString();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', new PyFloat(NaN)],
      ['Infinity', new PyFloat(Infinity)],
      ['-Infinity', new PyFloat(-Infinity)],
    ] as Array<[string, YamlValue]>) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    return parseNumber();
  };
  const value = parseValue();
  skip();
  if (i < text.length) err('Extra data');
  return value;
}
