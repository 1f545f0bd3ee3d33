import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT, testEnv, tmpRepo } from '@momo/testing';
import { isMomoError } from '@momo/errors';
import { parseParams, selectParams, readParamsFile, paramsFormatOf, lookupParam, readParamsDependency } from './params.js';
import { PyFloat, YamlTimestamp, pythonFloatRepr } from '../yaml/values.js';
import type { YamlValue } from '../yaml/parse.js';

const ORACLE = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'read-params.py');
const PYTHON = join(PROJECT_ROOT, '.venv-dvc', 'bin', 'python');

type Case = [string, string, string[] | null];

function oracle(cases: Case[]): unknown[] {
  const r = spawnSync(PYTHON, [ORACLE], { input: JSON.stringify(cases), encoding: 'utf8', env: testEnv() });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as unknown[];
}

function pyRepr(f: number): string {
  if (Number.isNaN(f)) return 'nan';
  if (f === Infinity) return 'inf';
  if (f === -Infinity) return '-inf';
  return pythonFloatRepr(f);
}

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

function ours([file, text, keys]: Case): unknown {
  try {
    const data = parseParams({ text, file });
    if (!keys) return enc(data);
    return enc(selectParams(data, keys).values as Map<string, YamlValue>);
  } catch (e) {
    if (isMomoError(e)) return { error: true };
    throw e;
  }
}

const YAML = 'lr: 0.01\nepochs: 10\nflag: yes\ntrain:\n  seed: 42\n  layers: [64, {units: 32}]\n  "1": one\n  2: two\nlists: [a, b]\n';
const CASES: Case[] = [
  ['params.yaml', YAML, null],
  ['params.yaml', YAML, ['lr', 'train.seed', 'train.layers.0', 'train.layers.1.units', 'train.1', 'train.2', 'nope', 'lists.5']],
  ['params.yaml', YAML, ['train', 'train.layers', 'flag']],
  ['params.yaml', YAML, ['train.l*', 'train.*']],
  ['params.yaml', '', null],
  ['params.yaml', '[1, 2]\n', null],
  ['params.yaml', 'a: [1\n', null],
  ['p.json', '{"lr": 1.0, "n": 10, "big": 123456789012345678901, "e": 1e5, "neg": -0.0, "dup": 1, "dup": 2, "nested": {"a": [1, 2.5, null, true]}, "nan": NaN, "inf": -Infinity, "s": "\\u00e9\\n"}', null],
  ['p.json', '{"a": {"b": 1}}', ['a.b', 'a']],
  ['p.json', '{"a": 1,}', null],
  ['p.json', '0', null],
  ['P.JSON', '{"a": 1.5}', null],
  ['p.toml', 'lr = 0.1\nn = 3\nbig = 9007199254740993\nf = 1.0\n[train]\nseed = 1\nlayers = [1, 2]\n[train.opt]\nname = "adam"\n', null],
  ['p.toml', '[a]\nb = 1\n', ['a.b']],
  ['p.toml', 'a = \n', null],
  ['params.yml', 'x: 1_000\ny: 0o17\nz: 2020-01-02\n', null],
  ['params', 'x: 1\n', null],
];

describe('params files against DVC 3.67.1 read_param_file', () => {
  it('parses YAML, JSON and TOML and looks up keys exactly like DVC', () => {
    const expected = oracle(CASES);
    CASES.forEach((c, i) => {
      const e = expected[i] as { error?: string };
      if (e.error) expect({ c, error: (ours(c) as { error?: boolean }).error === true }).toEqual({ c, error: true });
      else expect({ c, v: ours(c) }).toEqual({ c, v: e });
    });
  });

  it('chooses the format from the file suffix, case-insensitively', () => {
    expect(['a.JSON', 'b.toml', 'c.py', 'd.yaml', 'e', '.json', 'dir.d/x'].map(paramsFormatOf)).toEqual(['json', 'toml', 'py', 'yaml', 'yaml', 'yaml', 'yaml']);
  });

  it('refuses Python params files with a hint', () => {
    let err: unknown;
    try {
      parseParams({ text: 'lr = 0.1\n', file: 'params.py' });
    } catch (e) {
      err = e;
    }
    expect(isMomoError(err, 'PARAMS_FORMAT_UNSUPPORTED')).toBe(true);
    expect((err as { hint: string }).hint).toContain('convert');
  });

  it('reports an ambiguous glob key instead of picking one', () => {
    const data = parseParams({ text: 'a: {x: 1, y: 2}\n', file: 'params.yaml' });
    expect(lookupParam(data, 'a.*')).toEqual({ found: false, ambiguous: true });
  });

  it('reads from disk and reports missing files and directories', () => {
    const repo = tmpRepo();
    try {
      repo.gen({ 'params.yaml': 'lr: 0.1\n', sub: { 'p.yaml': {} } });
      const ok = readParamsFile({ root: repo.root, path: 'params.yaml' });
      expect(ok.status === 'ok' && enc(ok.data)).toEqual({ map: [[{ str: 'lr' }, { float: '0.1' }]] });
      expect(readParamsFile({ root: repo.root, path: 'nope.yaml' })).toEqual({ status: 'missing' });
      expect(readParamsFile({ root: repo.root, path: 'sub/p.yaml' })).toEqual({ status: 'directory' });
    } finally {
      repo.cleanup();
    }
  });
});

describe('readParamsDependency', () => {
  it('reads listed keys relative to the stage wdir and names the lock key like DVC (E5)', () => {
    const repo = tmpRepo();
    try {
      repo.gen({ sub: { 'p.yaml': 'a: 1\nb: {c: 2}\n' }, 'params.yaml': 'z: 1\ny: [1]\n' });
      const r = readParamsDependency({ root: repo.root, wdir: 'sub', dep: { path: './p.yaml', keys: ['b.c', 'nope'] } });
      expect([r.file, r.lockPath, r.status, r.missing]).toEqual(['sub/p.yaml', 'p.yaml', 'ok', ['nope']]);
      expect(r.values && enc(r.values as Map<string, YamlValue>)).toEqual({ map: [[{ str: 'b.c' }, { int: '2' }]] });
      const whole = readParamsDependency({ root: repo.root, wdir: 'sub', dep: { path: '../params.yaml', keys: [] } });
      expect([whole.file, whole.lockPath, [...whole.values!.keys()]]).toEqual(['params.yaml', '../params.yaml', ['z', 'y']]);
      expect(readParamsDependency({ root: repo.root, wdir: '.', dep: { path: 'gone.yaml', keys: ['a'] } })).toMatchObject({ status: 'missing', missing: ['a'] });
    } finally {
      repo.cleanup();
    }
  });
});
