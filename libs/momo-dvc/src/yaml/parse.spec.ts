import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT, testEnv } from '@momo/testing';
import { isMomoError } from '@momo/errors';
import { parseYaml, type YamlValue } from './parse.js';
import { PyFloat, YamlTimestamp, pythonFloatRepr } from './values.js';

const ORACLE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'ruamel-load.py');
const PYTHON = join(PROJECT_ROOT, '.venv-dvc', 'bin', 'python');

function ruamelLoad(texts: string[]): unknown[] {
  const r = spawnSync(PYTHON, [ORACLE_SCRIPT], { input: JSON.stringify(texts), encoding: 'utf8', env: testEnv() });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[];
}

function pyRepr(f: number): string {
  if (Number.isNaN(f)) return 'nan';
  if (f === Infinity) return 'inf';
  if (f === -Infinity) return '-inf';
  return pythonFloatRepr(f);
}

/** Encodes our loaded value like ruamel-load.py encodes Python's. */
function enc(v: YamlValue): unknown {
  if (typeof v === 'boolean') return { bool: v };
  if (v === null) return { null: null };
  if (typeof v === 'number' || typeof v === 'bigint') return { int: String(v) };
  if (v instanceof PyFloat) return { float: pyRepr(v.value) };
  if (typeof v === 'string') return { str: v };
  if (v instanceof YamlTimestamp) return { date: v.text };
  if (Array.isArray(v)) return { list: v.map(enc) };
  if (v instanceof Map) return { map: [...v.entries()].map(([k, x]) => [enc(k), enc(x)]) };
  return { other: String(v) };
}

function ours(text: string): unknown {
  try {
    return enc(parseYaml(text, './x.yaml', { mappings: 'map' }).data);
  } catch (e) {
    if (isMomoError(e, 'DVCFILE_INVALID')) return { error: true };
    throw e;
  }
}

const SCALARS = [
  'a', 'yes', 'no', 'on', 'true', 'True', 'TRUE', 'tRue', 'false', 'null', 'Null', 'NULL', '~', '',
  '1', '-1', '+1', '017', '0o17', '0x1f', '0x_1f', '0b101', '-0b11', '0b', '1_000', '12345678901234567890',
  '1.0', '1.', '.5', '-.5', '1e3', '1E3', '1e-05', '1.5_0', '.inf', '-.Inf', '+.INF', '.nan', '.NaN',
  '2020-01-02', '2020-1-2', '2020-1-2 3:04:05', '2020-01-02T03:04:05.5Z', '2020-01-02 03:04:05.1234567 +01:00',
  '2020-01-02t03:04:05-5', '12:30', '"1"', "'true'", '"a\\tb"', '!!str 1', '!!int "3"', '!!float "1"',
  '!!bool "true"', '!!null ""', 'x # comment', '"x # not"', '|\n  a\n  b\n', '>\n  a\n  b\n', '|-\n  a\n',
  'héllo', '日本', '😀', 'a: b', '[1, a, "b"]', '{a: 1}', '- 1', 'a b  c',
];

describe('parseYaml typing against ruamel.yaml safe load (what DVC uses)', () => {
  it('types scalars exactly like ruamel in values, keys and lists', () => {
    const texts: string[] = [];
    for (const s of SCALARS) {
      const inline = s.includes('\n') ? s.replace(/\n/g, '\n  ') : s;
      texts.push(`k: ${inline}\n`);
      // flow collections as keys become Python tuples/frozen maps; DVC files never use them (we reject them)
      if (!s.includes('\n') && !/^[-[{]/.test(s) && !s.includes(': ') && s !== '') texts.push(`${s}: v\n`);
      texts.push(`- ${inline}\n`);
    }
    const expected = ruamelLoad(texts);
    texts.forEach((t, i) => {
      const e = expected[i] as { error?: string };
      const o = ours(t) as { error?: boolean };
      if (e.error) expect({ t, error: !!o.error }).toEqual({ t, error: true });
      else expect({ t, v: o }).toEqual({ t, v: e });
    });
  });

  it('handles documents, anchors, merges, duplicates and errors like ruamel', () => {
    const texts = [
      '', '# only a comment\n', '0\n', 'false\n', '[]\n', '{}\n', "''\n", 'null\n', 'x\n', '[1, 2]\n',
      'a: 1\nb:\n  - x\n  - {y: 2}\nc: [1, [2, 3]]\n',
      'base: &b {x: 1, y: 0}\nm:\n  <<: *b\n  y: 2\n',
      'a: &a [1, 2]\nb: *a\n',
      's1: &s hello\ns2: *s\n',
      'm:\n  <<: [{a: 1}, {a: 2, b: 3}]\n  c: 4\n',
      'a: 1\na: 2\n',
      '1: a\n1.0: b\n',
      '---\na: 1\n---\nb: 2\n',
      'a: [1, 2\n',
      'a: b: c\n',
      'stages:\n  train:\n    cmd: echo hi\n   deps: [a]\n',
      'a: !foo x\n',
      'a: =\n',
      '1: a\n2: b\n"3": c\nz: d\n',
      '"__proto__": 1\n',
      'a:\t1\n',
      '\ufeffa: 1\n',
      'a: 1\r\nb: 2\r\n',
      'key with spaces: v\n"quoted: key": w\n',
      'a: |\n  line1\n  line2\n\nb: >-\n  folded\n  text\n',
      '%YAML 1.2\n---\na: 1\n',
      'a: "unterminated\n',
      'a: *missing\n',
    ];
    const expected = ruamelLoad(texts);
    texts.forEach((t, i) => {
      const e = expected[i] as { error?: string };
      const o = ours(t) as { error?: boolean };
      if (e.error) expect({ t, error: !!o.error }).toEqual({ t, error: true });
      else expect({ t, v: o }).toEqual({ t, v: e });
    });
  });
});

describe('parseYaml errors and positions', () => {
  it("reports a syntax error with DVC's wording, line, column and the source line", () => {
    const text = 'stages:\n  train:\n    cmd: echo hi\n   deps: [a]\n';
    let err: unknown;
    try {
      parseYaml(text, './dvc.yaml');
    } catch (e) {
      err = e;
    }
    expect(isMomoError(err, 'DVCFILE_INVALID')).toBe(true);
    const m = (err as Error).message;
    expect(m.split('\n')[0]).toBe("'./dvc.yaml' is invalid.");
    // the problem text comes from the `yaml` package, not ruamel; line and source line match DVC
    expect(m).toMatch(/^'\.\/dvc\.yaml' is invalid\.\n\n.+, in line 4, column \d+\n {2}4 │ {4}deps: \[a\]$/);
    expect((err as { exitCode: number }).exitCode).toBe(255);
  });

  it('says "(possible merge conflicts)" when conflict markers are present', () => {
    const text = 'stages:\n<<<<<<< HEAD\n  train:\n    cmd: echo hi\n=======\n  train:\n    cmd: echo ho\n>>>>>>> b\n';
    expect(() => parseYaml(text, './dvc.yaml', { code: 'DVCFILE_INVALID' })).toThrow(
      "'./dvc.yaml' is invalid (possible merge conflicts).",
    );
  });

  it('locates nodes by key path and reports DVC schema-error positions', () => {
    const text = 'stages:\n  train:\n    cmd: echo hi\n    foo: 1\n    deps:\n    - a\n    - b\n';
    const p = parseYaml(text, './dvc.yaml');
    expect(p.locate(['stages', 'train', 'deps', 1])).toEqual({ line: 7, column: 7 });
    expect(p.locateKey(['stages', 'train', 'foo'])).toEqual({ line: 4, column: 5 });
    // determine_linecol: a scalar has no position, so DVC steps up to the enclosing mapping
    expect(p.errorPosition(['stages', 'train', 'foo'])).toEqual({ line: 3, column: 5, step: 2 });
    expect(p.errorPosition(['stages', 'train', 'deps'])).toEqual({ line: 6, column: 5, step: 1 });
    expect(p.errorPosition(['nope', 'x', 'y', 'z', 'w'])).toEqual({ step: 5 });
    expect(p.sourceLine(4)).toBe('    foo: 1');
  });

  it('keeps a __proto__ key as data in object mode', () => {
    const p = parseYaml<Record<string, unknown>>('__proto__: 1\nx: 2\n', './p.yaml');
    expect(Object.keys(p.data)).toEqual(['__proto__', 'x']);
    expect(Object.getPrototypeOf(p.data)).toBe(Object.prototype);
  });
});

describe('parseYaml tabs', () => {
  it('rejects tabs used as separation in block context, as ruamel does', () => {
    const texts = ['a:\t1\n', 'a: \t1\n', 'a: 1\t\n', 'a: 1\t# c\n', '-\t1\n', 'a: b\tc\n', '\ta: 1\n', 'a:\n\t- 1\n',
      'a: [1,\t2]\n', 'a: {b:\t1}\n', 'a: "x\ty"\n', "a: 'x\ty'\n", 'a: |\n  x\ty\n', 'a: 1 # c\tx\n', 'a: >\n  \tx\n'];
    const expected = ruamelLoad(texts) as Array<{ error?: string }>;
    const got = texts.map((t) => (ours(t) as { error?: boolean }).error === true);
    expect(got).toEqual(expected.map((e) => e.error !== undefined));
  });
});
