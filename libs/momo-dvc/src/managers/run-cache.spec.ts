import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeRunCacheHashes, RunCache, runCacheJson } from './run-cache.js';
import { buildLockEntry, buildLockStage } from '../models/lockfile.js';
import { PyFloat } from '../yaml/values.js';

// The worked example of dvc-compat §11.6 (values recomputed by the spec's reviewer from DVC's
// dict_sha256) and the entry layout `runs/<key[0:2]>/<key>/<value>`.
const entry = () =>
  buildLockStage({
    cmd: 'cp foo bar',
    deps: [buildLockEntry({ path: 'foo', hash: { name: 'md5', value: 'acbd18db4cc2f85cedef654fccc4a4d8' }, size: 3 })],
    params: [],
    outs: [buildLockEntry({ path: 'bar', hash: { name: 'md5', value: 'acbd18db4cc2f85cedef654fccc4a4d8' }, size: 3 })],
  });

describe('run-cache (dvc/stage/cache.py)', () => {
  it('computes the key and value of the spec example', () => {
    expect(computeRunCacheHashes(entry())).toEqual({
      key: '01ed51fe6b14d516fc62728295078575ca21f34fc9997278e59c20adf906d93f',
      value: '6e64d552a9859b3fe8205a9b27bb60d5ce21eea3a7efa2ecae0f4ec3139ec41a',
    });
  });

  it('hashes Python json.dumps(sort_keys=True) with size/nfiles dropped at any depth, floats as Python writes them', () => {
    const data = new Map<string, unknown>([
      ['b', new Map([['size', 1], ['lr', new PyFloat(1)], ['eps', new PyFloat(1e-5)]])],
      ['a', [1, 'é', null, true]],
      ['nfiles', 2],
    ]);
    expect(runCacheJson(data)).toBe('{"a": [1, "\\u00e9", null, true], "b": {"eps": 1e-05, "lr": 1.0}}');
  });

  it('saves an entry once, with DVC\'s YAML, and loads the newest; a corrupted one is dropped with a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'momo-runs-'));
    try {
      const rc = new RunCache(dir);
      const saved = rc.save(entry());
      expect(saved.created).toBe(true);
      expect(saved.path).toBe(join(dir, 'runs/01/01ed51fe6b14d516fc62728295078575ca21f34fc9997278e59c20adf906d93f/6e64d552a9859b3fe8205a9b27bb60d5ce21eea3a7efa2ecae0f4ec3139ec41a'));
      expect(readFileSync(saved.path, 'utf8')).toBe(
        'cmd: cp foo bar\ndeps:\n- path: foo\n  hash: md5\n  md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\nouts:\n- path: bar\n  hash: md5\n  md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n',
      );
      expect(rc.save(entry()).created).toBe(false);
      const { key } = computeRunCacheHashes(entry());
      expect(rc.loadNewest(key)?.cmd).toBe('cp foo bar');
      writeFileSync(saved.path, 'cmd: [unclosed\n');
      const warnings: string[] = [];
      expect(rc.loadNewest(key, (w) => warnings.push(w))).toBeUndefined();
      expect(warnings).toEqual([`corrupted cache file '${saved.path}'.`]);
      expect(existsSync(saved.path)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
