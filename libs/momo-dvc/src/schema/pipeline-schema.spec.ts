import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT, testEnv } from '@momo/testing';
import { parseYaml } from '../yaml/parse.js';
import { PIPELINE_SCHEMA, LOCKFILE_SCHEMA } from './pipeline-schema.js';
import { validate } from './validator.js';
import { keyToString, type YamlKey } from '../yaml/parse.js';

const ORACLE = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'voluptuous-validate.py');
const PYTHON = join(PROJECT_ROOT, '.venv-dvc', 'bin', 'python');

type Case = ['dvc.yaml' | 'dvc.lock', string];

function oracle(cases: Case[]): unknown[] {
  const r = spawnSync(PYTHON, [ORACLE], { input: JSON.stringify(cases), encoding: 'utf8', env: testEnv() });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as unknown[];
}

function ours([kind, text]: Case): unknown[] {
  const parsed = parseYaml(text, kind, { mappings: 'map' });
  const errors = validate(kind === 'dvc.yaml' ? PIPELINE_SCHEMA : LOCKFILE_SCHEMA, parsed.data);
  return errors.map((e) => {
    const path = e.path.map((p) => keyToString(p as YamlKey));
    const pos = parsed.data instanceof Map ? parsed.errorPosition(e.path.map((p) => (typeof p === 'number' ? p : keyToString(p as YamlKey)))) : { step: 0 };
    return [e.message, path, pos.line ?? null, pos.column ?? null];
  });
}

const Y = (s: string): Case => ['dvc.yaml', s];
const L = (s: string): Case => ['dvc.lock', s];

const CASES: Case[] = [
  Y('stages:\n  train:\n    cmd: echo hi\n'),
  Y('stages:\n  train:\n    cmd: echo hi\n    foo: 1\n'),
  Y('stages:\n  train:\n    deps: [a]\n'),
  Y('stages:\n  train:\n    cmd: 1\n'),
  Y('stages:\n  train:\n    cmd: [a, b]\n    deps: a\n'),
  Y('stages:\n  train:\n    cmd: x\n    deps: [1, b, {c: d}]\n'),
  Y('stages:\n  train:\n    cmd: x\n    outs:\n    - a\n    - b:\n        cache: false\n        persist: 1\n    - c:\n        cach: true\n'),
  Y('stages:\n  train:\n    cmd: x\n    outs:\n    - b: false\n'),
  Y('stages:\n  train:\n    cmd: x\n    plots:\n    - p.csv:\n        x: a\n        y: b\n        header: true\n    - q.csv:\n        x: [1]\n'),
  Y('stages:\n  train:\n    cmd: x\n    params:\n    - lr\n    - p.yaml: [a]\n    - 3\n'),
  Y('stages:\n  train:\n    cmd: x\n    frozen: yes\n    always_changed: 1\n    desc: 2\n    wdir: 3\n'),
  Y('stages:\n  build:\n    foreach: [a, b]\n    do:\n      cmd: echo ${item}\n'),
  Y('stages:\n  build:\n    foreach: 1\n    do:\n      cmdx: echo\n'),
  Y('stages:\n  build:\n    do:\n      cmd: echo\n'),
  Y('stages:\n  build:\n    matrix:\n      a: [1, 2]\n      b: ${x}\n      c: 3\n    cmd: echo\n'),
  Y('stages:\n  1:\n    cmd: x\n'),
  Y('stages: []\n'),
  Y('foo: 1\nstages: {}\n'),
  Y('vars:\n- a.yaml\n- {x: 1}\n- 3\nparams: [a, 1]\nmetrics: m.json\n'),
  Y('plots:\n- a.csv\n- b:\n    x: a\n    y: {f.csv: [c, d]}\n- c:\n- d:\n    z: 1\n'),
  Y('artifacts:\n  model:\n    path: m.pkl\n    type: model\n    labels: [a]\n  bad:\n    desc: x\n'),
  Y('datasets:\n- whatever: 1\n'),
  Y('- a\n- b\n'),
  Y('stages:\n  a:\n    cmd: x\n    deps: [a]\n    outs: [b]\n  b: 3\n'),
  L('schema: \'2.0\'\nstages:\n  a:\n    cmd: x\n'),
  L("schema: '1.0'\nstages: {}\n"),
  L('stages: {}\n'),
  L("schema: '2.0'\nstages:\n  a:\n    deps:\n    - path: x\n      md5: ab\n      size: x\n      hash: md5\n      foo: 1\n"),
  L("schema: '2.0'\nstages:\n  a:\n    cmd: [a]\n    params:\n      params.yaml:\n        lr: 1\n        x: [1]\n      p2.yaml: 3\n    outs:\n    - path: d\n      md5: 0123456789abcdef0123456789abcdef.dir\n      size: 3\n      nfiles: 1\n      isexec: true\n      cloud:\n        r1: {etag: abc}\n        r2: {etag: def}\n"),
  L("schema: '2.0'\nstages:\n  a:\n    cmd: x\n    outs:\n    - md5: 123\n      files:\n      - relpath: a\n        md5: abc\n      - md5: abc\n"),
];

describe('dvc.yaml / dvc.lock schemas against voluptuous + dvc/schema.py', () => {
  it('reports the same errors, paths, lines and columns as DVC', () => {
    const expected = oracle(CASES);
    CASES.forEach((c, i) => {
      expect({ text: c[1], errors: ours(c) }).toEqual({ text: c[1], errors: expected[i] });
    });
  });
});
