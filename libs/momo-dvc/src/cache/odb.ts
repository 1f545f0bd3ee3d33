import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, dirname } from 'node:path';
import { CACHE_FILES_PREFIX } from '../constants.js';
import { md5File, md5Dos2UnixFile } from '../hashing/md5.js';
import { dvcError } from '../errors/dvc-error.js';

/** Link types of `cache.type` (dvc_objects/fs/generic.py). */
export type LinkType = 'reflink' | 'hardlink' | 'symlink' | 'copy';
export const LINK_TYPES: readonly LinkType[] = ['reflink', 'hardlink', 'symlink', 'copy'];
export const DEFAULT_LINK_TYPES: LinkType[] = ['reflink', 'copy'];

/** errnos after which DVC falls back to the next link type (dvc_objects/fs/generic.py). */
const FALLBACK_ERRNOS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOTTY', 'ENOSYS', 'EINVAL', 'EAGAIN', 'EMLINK']);

export interface OdbOptions {
  /** the cache dir (`cache.dir`, default `<root>/.dvc/cache`) */
  cacheDir: string;
  /** `cache.type`, in order */
  types?: LinkType[];
  /** `cache.shared = group` */
  shared?: boolean;
}

/**
 * The local cache: DVC 3 objects under `<cache>/files/md5/xx/…`, legacy 2.x objects under
 * `<cache>/xx/…` (dvc/cachemgr.py). Objects are read-only (0o444) and written atomically.
 */
export class Odb {
  readonly cacheDir: string;
  readonly objectsDir: string;
  readonly types: LinkType[];
  readonly shared: boolean;
  private umask = process.umask();

  constructor(opts: OdbOptions) {
    this.cacheDir = opts.cacheDir;
    this.objectsDir = join(opts.cacheDir, CACHE_FILES_PREFIX);
    this.types = opts.types?.length ? [...opts.types] : [...DEFAULT_LINK_TYPES];
    this.shared = opts.shared ?? false;
  }

  get dirMode(): number {
    return this.shared ? 0o2775 : 0o777;
  }

  /** Mode of an unprotected workspace file (`0o666 & ~umask`, 0o664 when shared). */
  get fileMode(): number {
    return this.shared ? 0o664 : 0o666 & ~this.umask;
  }

  /** Path of an object; `legacy` selects the 2.x location. */
  oidPath(md5: string, legacy = false): string {
    return join(legacy ? this.cacheDir : this.objectsDir, md5.slice(0, 2), md5.slice(2));
  }

  private listing = new Map<boolean, Set<string>>();

  /**
   * Existence by one listing of the ODB's prefix directories (cached for this command): for
   * checks of thousands of objects. Objects written by this process are added as they are stored.
   */
  listed(md5: string, legacy = false): boolean {
    let set = this.listing.get(legacy);
    if (!set) {
      set = new Set();
      const root = legacy ? this.cacheDir : this.objectsDir;
      let tops: string[] = [];
      try {
        tops = fs.readdirSync(root);
      } catch {
        // no cache yet
      }
      for (const t of tops) {
        if (t.length !== 2) continue;
        let names: string[];
        try {
          names = fs.readdirSync(join(root, t));
        } catch {
          continue;
        }
        for (const n of names) set.add(t + n);
      }
      this.listing.set(legacy, set);
    }
    return set.has(md5);
  }

  exists(md5: string, legacy = false): boolean {
    return fs.existsSync(this.oidPath(md5, legacy));
  }

  /**
   * Existence with DVC's trust rule (dvc_data/hashfile/db/local.py::check): an object whose
   * mode is exactly 0o444 is trusted; otherwise it is re-hashed, deleted when its content does
   * not match its name, and protected when it does.
   */
  check(md5: string, legacy = false): boolean {
    const p = this.oidPath(md5, legacy);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return false;
    }
    if ((st.mode & 0o777) === 0o444) return true;
    if (md5.endsWith('.dir')) {
      // manifests are checked by content hash too
      const actual = md5HexOfFile(p) + '.dir';
      if (actual !== md5) return this.dropCorrupted(p);
    } else {
      const actual = legacy ? md5Dos2UnixFile(p).md5 : md5File(p).md5;
      if (actual !== md5) return this.dropCorrupted(p);
    }
    this.protect(p);
    return true;
  }

  private dropCorrupted(p: string): boolean {
    try {
      fs.chmodSync(p, 0o644);
      fs.unlinkSync(p);
    } catch {
      // a corrupted object that cannot be removed is still reported as missing
    }
    return false;
  }

  protect(p: string): void {
    try {
      fs.chmodSync(p, 0o444);
    } catch {
      // DVC ignores chmod failures on objects (e.g. a cache owned by someone else)
    }
  }

  private ensureDir(dir: string): void {
    if (fs.existsSync(dir)) return;
    fs.mkdirSync(dir, { recursive: true, mode: this.dirMode });
    if (this.shared) fs.chmodSync(dir, this.dirMode);
  }

  /** Stores bytes (a `.dir` manifest) under `md5`, atomically; no-op when present. */
  addBytes(md5: string, data: Buffer, legacy = false): boolean {
    const final = this.oidPath(md5, legacy);
    if (fs.existsSync(final)) return false;
    const dir = dirname(final);
    this.ensureDir(dir);
    const tmp = join(dir, `.${randomBytes(16).toString('base64url')}.tmp`);
    fs.writeFileSync(tmp, data, { mode: 0o444 });
    fs.renameSync(tmp, final);
    return true;
  }

  read(md5: string, legacy = false): Buffer {
    try {
      return fs.readFileSync(this.oidPath(md5, legacy));
    } catch {
      throw dvcError('CACHE_OBJECT_MISSING', `cache object '${md5}' is missing`, {
        hint: 'run `momo fetch` or `momo pull` to download it from a remote',
      });
    }
  }

  /**
   * Materialises an object at `dest` (which must not exist) with the first working link type,
   * falling back on the errnos DVC falls back on. `types` is mutated like DVC's list: a failed
   * type is dropped for the rest of the batch. Returns the type used.
   */
  link(md5: string, dest: string, legacy: boolean, types: LinkType[] = this.types, isEmpty?: boolean): LinkType {
    const src = this.oidPath(md5, legacy);
    for (let i = 0; i < types.length; ) {
      const t = types[i];
      try {
        this.linkOne(t, src, dest, isEmpty);
        return t;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (!FALLBACK_ERRNOS.has(code)) throw e;
        types.splice(i, 1);
      }
    }
    throw dvcError('CACHE_TYPE_INVALID', `no more link types left to try out for '${dest}'`, {
      hint: 'set a working cache type, e.g. `momo config cache.type copy`, then run `momo checkout`',
    });
  }

  private linkOne(t: LinkType, src: string, dest: string, isEmpty?: boolean): void {
    // every type lands on a temp sibling first and is renamed over `dest`: replacing an existing
    // file is atomic and an interrupted checkout never leaves a half-written file
    const tmp = tmpSibling(dest);
    try {
      switch (t) {
        case 'reflink':
          // FICLONE only: fails with ENOTSUP/EXDEV where the filesystem cannot clone
          fs.copyFileSync(src, tmp, fs.constants.COPYFILE_FICLONE_FORCE);
          fs.chmodSync(tmp, this.fileMode);
          break;
        case 'hardlink':
          // DVC never hard-links empty files: it creates an empty regular file instead
          if (isEmpty ?? fs.statSync(src).size === 0) this.writeCopy(tmp, Buffer.alloc(0));
          else fs.linkSync(src, tmp);
          break;
        case 'symlink':
          fs.symlinkSync(src, tmp);
          break;
        case 'copy': {
          const size = fs.statSync(src).size;
          if (size <= SMALL_COPY) this.writeCopy(tmp, fs.readFileSync(src));
          else {
            fs.copyFileSync(src, tmp, fs.constants.COPYFILE_FICLONE);
            fs.chmodSync(tmp, this.fileMode);
          }
          break;
        }
      }
      fs.renameSync(tmp, dest);
    } catch (e) {
      rmQuiet(tmp);
      throw e;
    }
  }

  /** A writable copy created with its final mode (no chmod unless the umask gets in the way). */
  private writeCopy(tmp: string, data: Buffer): void {
    fs.writeFileSync(tmp, data, { mode: this.fileMode });
    if (this.shared) fs.chmodSync(tmp, this.fileMode);
  }
}

/** Objects up to this size are copied by read + write (mode set at creation, no chmod). */
const SMALL_COPY = 1024 * 1024;

let tmpSeq = 0;
const TMP_TAG = `${process.pid}-${randomBytes(4).toString('hex')}`;
function tmpSibling(dest: string): string {
  return join(dirname(dest), `.${TMP_TAG}-${++tmpSeq}.tmp`);
}

/**
 * True for the temp siblings linking writes into the workspace (`.<pid>-<8 hex>-<n>.tmp`): a
 * leftover of a killed checkout, never user data, so checkout may remove it without `--force`.
 */
export function isWorkspaceTempName(name: string): boolean {
  return /^\.\d+-[0-9a-f]{8}-\d+\.tmp$/.test(name);
}

function rmQuiet(p: string): void {
  try {
    fs.unlinkSync(p);
  } catch {
    // the temp file was never created
  }
}

function md5HexOfFile(p: string): string {
  return md5File(p).md5;
}
