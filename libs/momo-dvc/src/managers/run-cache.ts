/**
 * The run-cache: `<cache>/runs/<key[0:2]>/<key>/<value>` files, each holding a stage's lock entry
 * (spec §11.6, E3, E26). Mirrors DVC 3.67.1 `dvc/stage/cache.py` (`_get_cache_hash`,
 * `StageCache.save`/`_load`/`_load_cache`) and `dvc/utils/__init__.py::dict_sha256`:
 * - value = SHA-256 of Python `json.dumps(entry, sort_keys=True)` with every `size`/`nfiles` key
 *   removed at any depth; key = the same after replacing `outs` by their path strings;
 * - the file content is the entry dumped with DVC's YAML rules; written to a temp name in the
 *   key directory, then renamed; an existing file is never rewritten;
 * - lookup takes the newest file (by mtime) of the key directory only; a corrupted one is deleted
 *   with the warning "corrupted cache file '<path>'." and the lookup finds nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_CACHE_DIR } from '../constants.js';
import { lockStageToData, parseLockfile, type LockStage } from '../models/lockfile.js';
import { dumpYaml } from '../yaml/dump.js';
import { pyJsonValue } from '../models/py-json-value.js';
import type { YamlValue } from '../yaml/parse.js';

const EXCLUDED = new Set(['size', 'nfiles']);

/** Python `json.dumps(value, sort_keys=True)` of loaded YAML data, `size`/`nfiles` keys dropped. */
export function runCacheJson(value: unknown): string {
  return pyJsonValue(value, { sortKeys: true, exclude: EXCLUDED });
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The run-cache key and value of a stage's lock entry. */
export function computeRunCacheHashes(entry: LockStage): { key: string; value: string } {
  const data = lockStageToData(entry);
  const value = sha256(runCacheJson(data));
  const keyed = new Map(data);
  if (keyed.has('outs')) keyed.set('outs', (keyed.get('outs') as Array<Map<string, YamlValue>>).map((o) => o.get('path')!));
  const key = sha256(runCacheJson(keyed));
  return { key, value };
}

/** The `runs/` directory of a cache. */
export class RunCache {
  readonly dir: string;
  constructor(cacheDir: string) {
    this.dir = join(cacheDir, RUN_CACHE_DIR);
  }

  private keyDir(key: string): string {
    return join(this.dir, key.slice(0, 2), key);
  }

  /** Reads one entry; a corrupted file is deleted (reported through `warn`). */
  loadEntry(key: string, value: string, warn?: (message: string) => void, display?: (abs: string) => string): LockStage | undefined {
    const path = join(this.keyDir(key), value);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // no such entry
      return undefined;
    }
    try {
      const lock = parseLockfile({ text: `schema: '2.0'\nstages:\n  s:\n${indent(text)}`, file: path });
      const st = lock.stages.get('s');
      if (!st || st.cmd === undefined || st.cmd === null) throw new Error('no cmd');
      return st;
    } catch {
      warn?.(`corrupted cache file '${display ? display(path) : path}'.`);
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
      return undefined;
    }
  }

  /** The newest entry (by mtime) recorded under `key`, if any. */
  loadNewest(key: string, warn?: (message: string) => void, display?: (abs: string) => string): LockStage | undefined {
    const dir = this.keyDir(key);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      // no entry for this key
      return undefined;
    }
    let newest: string | undefined;
    let newestMtime = -Infinity;
    for (const n of names) {
      const m = statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? -Infinity;
      if (m > newestMtime) {
        newest = n;
        newestMtime = m;
      }
    }
    return newest ? this.loadEntry(key, newest, warn, display) : undefined;
  }

  /** Has an entry with this key and value been saved? */
  has(key: string, value: string): boolean {
    return existsSync(join(this.keyDir(key), value));
  }

  /** Writes an entry unless it exists (temp file in the key directory, then rename). Returns its path. */
  save(entry: LockStage, dirMode = 0o777): { path: string; created: boolean } {
    const { key, value } = computeRunCacheHashes(entry);
    const dir = this.keyDir(key);
    const path = join(dir, value);
    if (existsSync(path)) return { path, created: false };
    mkdirSync(dir, { recursive: true, mode: dirMode });
    const tmp = join(dir, `.${randomBytes(8).toString('hex')}.tmp`);
    writeFileSync(tmp, dumpYaml(lockStageToData({ ...entry, keyOrder: undefined })));
    renameSync(tmp, path);
    return { path, created: true };
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n');
}
