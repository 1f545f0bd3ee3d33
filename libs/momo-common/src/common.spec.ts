import { describe, it, expect } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneJson, compareCodePoints, compareStrings, stringifyCanonical, writeFileAtomic } from './index.js';

describe('stringifyCanonical', () => {
  it('sorts keys at every level by code unit and drops undefined members', () => {
    const a = stringifyCanonical({ b: 1, a: { z: [3, { y: 1, x: 2 }], 'É': true, E: null }, c: undefined } as never);
    expect(a).toBe('{"a":{"E":null,"z":[3,{"x":2,"y":1}],"É":true},"b":1}');
    expect(stringifyCanonical({ a: { E: null, 'É': true, z: [3, { x: 2, y: 1 }] }, b: 1 })).toBe(a);
  });
  it('orders strings by UTF-16 code unit, not locale', () => {
    expect(['b', 'B', 'a', 'É', '_'].sort(compareStrings)).toEqual(['B', '_', 'a', 'b', 'É']);
  });
});

describe('cloneJson', () => {
  it('deep-copies plain JSON', () => {
    const v = { a: [1, 'x', { b: false }], c: null };
    const r = cloneJson(v);
    expect(r).toEqual({ ok: true, value: v });
    if (r.ok) expect((r.value as { a: unknown[] }).a).not.toBe(v.a);
  });
  it('names the path of the first non-JSON value', () => {
    expect(cloneJson({ a: [1, Number.NaN] })).toEqual({ ok: false, problem: '$.a[1] is NaN, not a finite number' });
    expect(cloneJson({ d: new Date(0) })).toEqual({ ok: false, problem: '$.d is not a plain object' });
    expect(cloneJson({ f: () => 1 })).toEqual({ ok: false, problem: '$.f is a function, not JSON' });
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(cloneJson(loop)).toEqual({ ok: false, problem: '$.self is a circular reference' });
  });
  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(cloneJson({ a: shared, b: shared })).toEqual({ ok: true, value: { a: { x: 1 }, b: { x: 1 } } });
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file and leaves no temp file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'momo-common-'));
    try {
      const f = join(dir, 'out.json');
      writeFileSync(f, 'old');
      writeFileAtomic(f, 'new bytes');
      writeFileAtomic(f, new Uint8Array([1, 2, 3]));
      expect([...readFileSync(f)]).toEqual([1, 2, 3]);
      expect(readdirSync(dir)).toEqual(['out.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('leaves the target and the directory unchanged when the rename fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'momo-common-'));
    try {
      const target = join(dir, 'busy');
      mkdirSync(join(target, 'child'), { recursive: true }); // a non-empty directory cannot be renamed over
      expect(() => writeFileAtomic(target, 'x')).toThrow();
      expect(readdirSync(dir)).toEqual(['busy']);
      expect(readdirSync(target)).toEqual(['child']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compareCodePoints', () => {
  it('orders by code point (UTF-8 byte order), unlike UTF-16 code units above U+FFFF', () => {
    const astral = '\u{1F600}'; // surrogate pair D83D DE00
    const bmpHigh = '\uFF21'; // FULLWIDTH A, above the surrogate range
    expect(astral < bmpHigh).toBe(true); // what plain `<` says
    expect(compareCodePoints(astral, bmpHigh)).toBe(1);
    expect(compareCodePoints(bmpHigh, astral)).toBe(-1);
    const words = ['b', astral, 'a', bmpHigh, 'ab', '', 'é'];
    const byBytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...words].sort(compareCodePoints)).toEqual(byBytes);
    expect(compareCodePoints('abc', 'abc')).toBe(0);
    expect(compareCodePoints('ab', 'abc')).toBe(-1);
  });
});
