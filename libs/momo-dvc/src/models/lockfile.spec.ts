import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMomoError } from '@momo/errors';
import {
  parseLockfile,
  serializeLockfile,
  buildLockStage,
  buildLockEntry,
  applyLockStages,
  removeLockStage,
  lockParamsFor,
  findLockEntry,
  type LockEntry,
  type LockParamsInput,
} from './lockfile.js';
import { parseParams, selectParams } from './params.js';
import { PyFloat } from '../yaml/values.js';
import type { YamlValue } from '../yaml/parse.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'golden');
const golden = (c: string, f: string) => readFileSync(join(GOLDEN, c, f), 'utf8');
const LOCK_CASES = readdirSync(GOLDEN).filter((c) => existsSync(join(GOLDEN, c, 'dvc.lock')));

/** Rebuilds an entry from its typed fields only, as momo does after hashing. */
function rebuild(e: LockEntry): LockEntry {
  return buildLockEntry({
    path: e.path,
    hash: e.md5 ? { name: e.hash ?? 'md5-dos2unix', value: e.md5 } : undefined,
    size: e.size,
    nfiles: e.nfiles,
    isexec: e.isexec,
  });
}

function reversed<T>(a: T[]): T[] {
  return [...a].reverse();
}

describe('dvc.lock against real DVC 3.67.1 goldens', () => {
  it.each(LOCK_CASES)('re-serialises the %s lock byte for byte', (c) => {
    const text = golden(c, 'dvc.lock');
    expect(serializeLockfile(parseLockfile({ text }))).toBe(text);
  });

  it.each(LOCK_CASES)('builds the %s lock from unsorted typed entries exactly as DVC wrote it', (c) => {
    const text = golden(c, 'dvc.lock');
    const parsed = parseLockfile({ text });
    let lock;
    for (const [name, st] of parsed.stages) {
      const stage = buildLockStage({
        cmd: st.cmd,
        deps: reversed(st.deps.map(rebuild)),
        outs: reversed(st.outs.map(rebuild)),
        params: reversed([...st.params].map(([path, values]) => ({ defPath: path, path, keys: [...values.keys()], values }))),
      });
      lock = applyLockStages(lock, [[name, stage]]).lock;
    }
    expect(lock ? serializeLockfile(lock) : '').toBe(text);
  });

  it('writes params values read from the params files exactly as DVC did', () => {
    // the stage in lock-params lists these keys (see its dvc.yaml); values come from our readers
    const read = (file: string, keys: string[]): LockParamsInput => {
      const data = parseParams({ text: golden('lock-params', file), file });
      const values = keys.length ? selectParams(data, keys, file).values : new Map([...(data as Map<string, YamlValue>)]);
      return { defPath: file, path: file, keys, values };
    };
    const params = [
      read('whole.yaml', []),
      read('config.toml', ['seed', 'model.depth']),
      read('params2.yaml', ['answer', 'lists', 'name']),
      read('params.yaml', ['lists', 'floats', 'nested.nested1', 'nested.nested1.nested2']),
      read('config.json', ['lr', 'opt', 'layers.1']),
    ];
    const golden_ = parseLockfile({ text: golden('lock-params', 'dvc.lock') });
    const st = golden_.stages.get('params-stage')!;
    const stage = buildLockStage({ cmd: st.cmd, deps: st.deps.map(rebuild), outs: st.outs.map(rebuild), params });
    const { lock, generated, modified } = applyLockStages(undefined, [['params-stage', stage]]);
    expect({ generated, modified }).toEqual({ generated: true, modified: true });
    expect(serializeLockfile(lock)).toBe(golden('lock-params', 'dvc.lock'));
  });
});

describe('dvc.lock model', () => {
  const LEGACY = `schema: '2.0'
stages:
  copy:
    cmd: cp foo bar
    deps:
    - path: foo
      md5: acbd18db4cc2f85cedef654fccc4a4d8
      size: 3
    outs:
    - path: bar
      md5: acbd18db4cc2f85cedef654fccc4a4d8
      size: 3
`;

  it('reads DVC 2.x entries without `hash` and writes them back unchanged', () => {
    const lock = parseLockfile({ text: LEGACY });
    const entry = findLockEntry(lock.stages.get('copy')!, 'deps', 'foo')!;
    expect(entry.hash).toBeUndefined();
    expect(entry.md5).toBe('acbd18db4cc2f85cedef654fccc4a4d8');
    expect(serializeLockfile(lock)).toBe(LEGACY);
  });

  it('writes a legacy md5-dos2unix hash without the `hash` key', () => {
    const e = buildLockEntry({ path: 'foo', hash: { name: 'md5-dos2unix', value: 'abc' }, size: 3 });
    expect(serializeLockfile({ schema: '2.0', stages: new Map([['s', { cmd: 'x', deps: [e], params: new Map(), outs: [] }]]) })).toBe(
      "schema: '2.0'\nstages:\n  s:\n    cmd: x\n    deps:\n    - path: foo\n      md5: abc\n      size: 3\n",
    );
  });

  it('replaces changed entries in place, appends new ones and reports changes', () => {
    const lock = parseLockfile({ text: golden('lock-long-cmd', 'dvc.lock') });
    const short = lock.stages.get('short')!;
    const same = applyLockStages(lock, [['short', { ...short }]]);
    expect(same.modified).toBe(false);
    const changed = applyLockStages(lock, [
      ['long-string', { ...lock.stages.get('long-string')!, cmd: 'echo new' }],
      ['added', { cmd: ['a', 'b'], deps: [], params: new Map(), outs: [] }],
    ]);
    expect(changed.modified).toBe(true);
    expect(changed.generated).toBe(false);
    expect([...changed.lock.stages.keys()]).toEqual(['long-string', 'quoted', 'short', 'added']);
    expect(serializeLockfile(changed.lock)).toContain("  long-string:\n    cmd: echo new\n    outs:\n");
    expect(serializeLockfile(changed.lock).endsWith('  added:\n    cmd:\n    - a\n    - b\n')).toBe(true);
  });

  it('treats equal numbers of different Python types as unchanged (1 == 1.0)', () => {
    const mk = (v: YamlValue) => ({ cmd: 'x', deps: [], outs: [], params: new Map([['params.yaml', new Map([['lr', v]])]]) });
    const lock = applyLockStages(undefined, [['s', mk(1)]]).lock;
    expect(applyLockStages(lock, [['s', mk(new PyFloat(1))]]).modified).toBe(false);
    expect(applyLockStages(lock, [['s', mk(new PyFloat(1.5))]]).modified).toBe(true);
  });

  it('deletes the file when the last stage is removed', () => {
    const lock = parseLockfile({ text: LEGACY });
    expect(removeLockStage(lock, 'nope')).toEqual({ lock, removed: false });
    expect(removeLockStage(lock, 'copy')).toEqual({ lock: undefined, removed: true });
  });

  it('looks params up by the path as written in dvc.yaml and filters the listed keys', () => {
    const lock = parseLockfile({ text: golden('lock-params', 'dvc.lock') });
    const st = lock.stages.get('params-stage')!;
    expect([...lockParamsFor(st, 'params2.yaml', ['answer'])!.keys()]).toEqual(['answer']);
    expect([...lockParamsFor(st, 'whole.yaml', [])!.keys()]).toEqual(['a', 'b', 'whole']);
    expect(lockParamsFor(st, './params2.yaml', ['answer'])).toBeUndefined();
  });

  it('writes `file: {}` for a wholly tracked file with no values and skips unread keyed files', () => {
    const stage = buildLockStage({
      cmd: 'x',
      deps: [],
      outs: [],
      params: [
        { defPath: 'empty.yaml', path: 'empty.yaml', keys: [] },
        { defPath: 'keyed.yaml', path: 'keyed.yaml', keys: ['a'] },
      ],
    });
    const text = serializeLockfile(applyLockStages(undefined, [['s', stage]]).lock);
    expect(text).toBe("schema: '2.0'\nstages:\n  s:\n    cmd: x\n    params:\n      empty.yaml: {}\n");
  });

  it.each([
    ["schema: '1.0'\nstages: {}\n", "'./dvc.lock' validation failed.\n\ninvalid schema version, in schema"],
    ['stages: {}\n', "'./dvc.lock' validation failed.\n\nrequired key not provided, in schema"],
    ["schema: '2.0'\nstages:\n  a:\n    cmd: x\n    outs:\n    - md5: abc\n", "'./dvc.lock' validation failed.\n\nrequired key not provided, in stages -> a -> outs -> 0 -> path, line 6, column 7"],
    ['schema: [\n', "'./dvc.lock' is invalid."],
  ])('rejects %j with LOCKFILE_INVALID', (text, message) => {
    let err: unknown;
    try {
      parseLockfile({ text });
    } catch (e) {
      err = e;
    }
    expect(isMomoError(err, 'LOCKFILE_INVALID')).toBe(true);
    expect((err as Error).message.startsWith(message)).toBe(true);
  });
});
