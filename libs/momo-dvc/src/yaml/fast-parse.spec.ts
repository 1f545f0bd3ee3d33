import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fastParseYaml } from './fast-parse.js';
import { fullParseYaml } from './parse.js';
import { dumpYaml } from './dump.js';
import { PyFloat } from './values.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '..', 'models', '__fixtures__', 'golden');

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

const ATOMS: unknown[] = [
  '', ' ', 'a', 'yes', 'true', 'null', '~', '1', '1.0', '1e3', '0o17', '2020-01-01', 'a: b', 'a #b', '#x', '- x', '-x',
  "it's", 'say "hi"', 'a\tb', 'a\nb', 'x\n\ny', 'héllo', '😀', '\x00', 'a  b', 'x ', ' x', '{}', '[]', '{a}', '@x',
  1, -5, 0, 123456789012345678901234567890n, new PyFloat(1), new PyFloat(0.1), new PyFloat(1e-7), new PyFloat(NaN),
  true, false, null, [], new Map(), 'md5', 'd3b07384d113edec49eaa6238ad5ff00', 'data/', 'path with spaces/x.txt',
];
const WORDS = ['python', 'train.py', '--lr', '0.01', "'q'", '"dq"', 'a:', 'x', 'averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongword', '日本', '\\', '--', '-'];

function randomString(r: () => number): string {
  const n = 1 + Math.floor(r() * 30);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(WORDS[Math.floor(r() * WORDS.length)]!);
  return parts.join(r() < 0.9 ? ' ' : '  ');
}

function randomValue(r: () => number, depth: number): unknown {
  const x = r();
  if (depth > 3 || x < 0.45) return r() < 0.5 ? ATOMS[Math.floor(r() * ATOMS.length)] : randomString(r);
  if (x < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  const m = new Map<unknown, unknown>();
  for (let i = 0, n = Math.floor(r() * 4); i < n; i++) {
    const k = r() < 0.8 ? `k${Math.floor(r() * 50)}` : ATOMS[Math.floor(r() * 20)];
    if (k !== null && typeof k === 'object') continue;
    m.set(k, randomValue(r, depth + 1));
  }
  return m;
}

describe('fastParseYaml', () => {
  it('loads what dumpYaml writes exactly like the full parser', () => {
    const r = rng(1234);
    let fast = 0;
    for (let i = 0; i < 700; i++) {
      const doc = new Map<unknown, unknown>([['root', randomValue(r, 0)], ['cmd', randomString(r)]]);
      const text = dumpYaml(doc);
      const expected = fullParseYaml(text, 'x', { mappings: 'map' }).data;
      const got = fastParseYaml(text);
      if (got !== undefined) {
        fast++;
        expect({ text, got }).toEqual({ text, got: expected });
      }
    }
    // everything except strings with NEL/LS/PS/BOM or tabs takes the fast path
    expect(fast).toBeGreaterThan(600);
  });

  it('takes the fast path for every DVC-written golden and agrees with the full parser', () => {
    for (const c of readdirSync(GOLDEN)) {
      for (const f of ['dvc.lock', 'dvc.yaml']) {
        let text: string;
        try {
          text = readFileSync(join(GOLDEN, c, f), 'utf8');
        } catch {
          continue; // not every case has both files
        }
        const got = fastParseYaml(text);
        if (c === 'templating' && f === 'dvc.yaml') {
          expect(got).toBeUndefined(); // hand-written: flow collections and indented sequences
          continue;
        }
        expect({ c, f, ok: got !== undefined }).toEqual({ c, f, ok: true });
        expect(got).toEqual(fullParseYaml(text, f, { mappings: 'map' }).data);
      }
    }
  });

  it('falls back for comments, anchors, flow collections, block scalars and duplicates', () => {
    for (const t of ['a: 1 # c\n', '# c\na: 1\n', 'a: &x 1\nb: *x\n', 'a: [1, 2]\n', 'a: |\n  x\n', 'a: 1\na: 2\n', 'a: !!str 1\n', '? a\n: 1\n', '<<: {}\n', 'a:\n    - 1\n', 'a: 1', '---\na: 1\n', 'a:\n\n  b: 1\n']) {
      expect({ t, r: fastParseYaml(t) }).toEqual({ t, r: undefined });
    }
  });
});
