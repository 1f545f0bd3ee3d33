import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT, testEnv } from '@momo/testing';
import { dumpYaml } from './dump.js';
import { PyFloat, YamlTimestamp, pythonFloatRepr } from './values.js';

const ORACLE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'ruamel-dump.py');
const PYTHON = join(PROJECT_ROOT, '.venv-dvc', 'bin', 'python');

/** Encodes a JS document for ruamel-dump.py (floats, maps with non-string keys, dates). */
function encode(v: unknown): unknown {
  if (v instanceof PyFloat) return { __float__: pythonFloatRepr(v.value) };
  if (typeof v === 'number' && !Number.isSafeInteger(v)) return { __float__: pythonFloatRepr(v) };
  if (typeof v === 'number' && Object.is(v, -0)) return { __float__: '-0.0' };
  if (typeof v === 'bigint') return { __int__: v.toString() };
  if (v instanceof YamlTimestamp) return { __date__: v.text };
  if (v instanceof Map) return { __map__: [...v.entries()].map(([k, x]) => [encode(k), encode(x)]) };
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v;
}

function encodeFloatText(json: string): string {
  // JSON cannot carry NaN/Infinity: pythonFloatRepr gives '.nan'/'.inf', which float() rejects
  return json.replace(/\{"__float__":"(-?)\.(nan|inf)"\}/g, (_m, s: string, w: string) => `{"__float__":"${s}${w}"}`);
}

/** Dumps every document with real DVC (ruamel.yaml 0.19.1) in one Python process. */
function ruamelDump(docs: unknown[]): string[] {
  const input = encodeFloatText(JSON.stringify(docs.map(encode)));
  const r = spawnSync(PYTHON, [ORACLE_SCRIPT], { input, encoding: 'utf8', env: testEnv(), maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRICKY = [
  '', ' ', '  ', 'a', 'a b', 'a  b', 'a ', ' a', 'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'NO',
  'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', 'nULL', '~', '~x',
  '1', '-1', '+1', '01', '1.0', '1.', '.1', '-.5', '1e3', '1E3', '1e+3', '1.5e-7', '.5e+3', '.5e3', '1_000', '1__0',
  '0o17', '017', '018', '0x1F', '0x1g', '0b101', '0b2', '.inf', '-.inf', '+.INF', '.Inf', '.nan', '.NaN', 'nan',
  'inf', '2020-01-01', '2020-1-1', '2020-01-01 10:20:30', '2020-01-01T10:20:30Z', '2020-01-01 10:20:30.5 +01:00',
  '12:30', '1:20:30', '<<', '<', '=', '==', '!', '&', '*', '!x', '&a', '*a', '-', '--', '---', '--- x', '---x',
  '...', '....', '- x', '-x', '-1x', '?', '? x', '?x', ':', ':x', ': x', 'a: b', 'a:b', 'a:', 'a::', 'a :b',
  'a #b', 'a#b', '#a', '# a', '@x', '`x', '%x', "'x", '"x', '|x', '>x', ',x', '[x', ']x', '{x', '}x', 'x,y',
  'x[0]', 'x{a}', "it's", 'say "hi"', 'a\tb', '\t', 'a\nb', 'a\n', '\na', 'a \nb', 'a\n b', 'a\n\nb', '\n',
  'a\rb', 'x\x85y', '\x85', 'x\u2028y', 'x\u2029 y', 'x \u2028y', '\ufeffa', 'a\ufeff', 'héllo', '日本語',
  '😀', 'a😀b', '\u{10ffff}', '\x7f', '\x00', 'a\x00b', '\x1b[0m', '\xa0', 'a\xa0b', '\ud7ff', '\ue000',
  '\ufffd', '\ufffe', 'path with spaces/file.txt', 'data/', './data', '../x', 'remote://myremote/a',
  's3://bucket/key', 'https://example.com/a?b=c#frag', 'C:\\Users\\x', 'a\\b', '${x}', '\\${x}',
  'echo "hi"', "echo 'hi'", "echo 'a: b'", 'echo a: b', 'python train.py --lr 0.1', 'x  ', '  x',
  "'", '"', "''", '""', '\\', 'a"b\'c', 'md5', '0123', '0a1b2c', '3863d0e317dee0a55c4e59d2ec0eef33',
  '153aad06d376b6595932470e459ef42a.dir', 'e5', '1e', 'e1', 'x:', '-:', '?-', ':-', '- ', '-\t', 'a\t',
];

function contexts(s: string): unknown[] {
  return [
    { k: s },
    [s],
    { [s]: 1 },
    { stages: { train: { cmd: s, deps: [s, { path: s, hash: 'md5' }] } } },
    { a: [[s]], b: [{ c: s }] },
    new Map<unknown, unknown>([[s, [s]]]),
  ];
}

const WORDS = [
  'python', 'src/train.py', '--lr', '0.01', 'data/features', 'model.pkl', '&&', 'echo', "'quoted'",
  '"dq"', 'a:', '#', 'x', 'très-long-mot-unicode-日本', '😀', 'http://host/path', '--flag=value',
  'averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongword',
];

function randomText(r: () => number): string {
  const n = 1 + Math.floor(r() * 40);
  let s = '';
  for (let i = 0; i < n; i++) {
    const w = WORDS[Math.floor(r() * WORDS.length)]!;
    const gap = r();
    const sep = gap < 0.8 ? ' ' : gap < 0.88 ? '  ' : gap < 0.92 ? '\n' : gap < 0.95 ? '\t' : gap < 0.98 ? ' \n' : '\n ';
    s += (i === 0 ? '' : sep) + w;
  }
  if (r() < 0.1) s += ' ';
  if (r() < 0.05) s = ' ' + s;
  return s;
}

function compare(docs: unknown[]): void {
  const expected = ruamelDump(docs);
  const mismatches: string[] = [];
  docs.forEach((d, i) => {
    const got = dumpYaml(d);
    if (got !== expected[i]) {
      mismatches.push(`#${i} input=${JSON.stringify(encode(d))}\n  ruamel=${JSON.stringify(expected[i])}\n  momo  =${JSON.stringify(got)}`);
    }
  });
  expect(mismatches.slice(0, 5).join('\n')).toBe('');
}

describe('dumpYaml against ruamel.yaml 0.19.1 (DVC 3.67.1)', () => {
  it('quotes tricky strings exactly as ruamel does in every position', () => {
    compare(TRICKY.flatMap(contexts));
  });

  it('folds long strings at 80 columns exactly as ruamel does, at several indents', () => {
    const r = rng(42);
    const docs: unknown[] = [];
    for (let i = 0; i < 400; i++) {
      const s = randomText(r);
      const depth = Math.floor(r() * 5);
      let doc: unknown = s;
      for (let d = 0; d < depth; d++) doc = r() < 0.5 ? { ['k'.repeat(1 + Math.floor(r() * 12))]: doc } : [doc];
      docs.push(typeof doc === 'string' ? { cmd: doc } : doc);
      docs.push({ stages: { s: { cmd: [s, 'echo short'] } } });
      if (i % 4 === 0) docs.push({ [s]: s });
    }
    compare(docs);
  });

  it('writes ints, floats, bools, nulls, dates and non-string keys like Python', () => {
    const r = rng(7);
    const floats: unknown[] = [0.1, 1e-5, 1e-4, 0.0001234, 1.5e-7, 1e16, 1e15, 123456789012345680000, 1e300, -2.5, Infinity, -Infinity, NaN, -0, 5e-324, 1.7976931348623157e308];
    for (let i = 0; i < 200; i++) floats.push((r() - 0.5) * 10 ** Math.floor(r() * 40 - 20));
    const docs: unknown[] = [
      { f: floats, pf: [new PyFloat(1), new PyFloat(100000), new PyFloat(1e15), new PyFloat(-3)] },
      { i: [0, 1, -1, 2 ** 53 - 1, 123456789012345678901234567890n, -5n] },
      { b: [true, false], n: null, u: [null, null], d: new YamlTimestamp('2020-01-02') },
      new Map<unknown, unknown>([[1, 'a'], [new PyFloat(1.5), 'c'], [null, 'd'], ['1', 'e'], [-2n, 'f']]),
      new Map<unknown, unknown>([[true, 'b'], [null, null], ['', null]]),
      { a: new Map<unknown, unknown>([[null, [null]]]) },
      {},
      [],
      [[]],
      [{}],
      [[{}]],
      [[[1, []]]],
      { a: { b: {} } },
      { x: [[], {}, [[]]] },
      'plain root',
      "root 'q'",
      null,
      1,
    ];
    compare(docs);
  });
});
