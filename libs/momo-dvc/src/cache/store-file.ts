/**
 * The hot loop of `add`/`commit`: hash a workspace file and, when asked, store it as a cache
 * object in the same pass, so the object's name is the md5 of exactly the bytes written
 * (verified by construction). Written as one self-contained function of its dependencies so the
 * same code runs in the main thread and, via `toString()`, in worker threads (see hash-pool.ts).
 *
 * Cache layout and protection follow DVC (dvc_data/hashfile/db/local.py): objects at
 * `<objects>/<2 hex>/<30 hex>`, written to a `.<random>.tmp` sibling and renamed, mode 0o444.
 */
export interface StoreJob {
  /** absolute source path */
  src: string;
  /** the size the caller's stat saw (saves a stat per file); the read itself decides */
  size?: number;
  /** absolute `<cache>/files/md5` dir; undefined → hash only */
  objects?: string;
  /** directory mode for new `xx/` dirs (0o2775 when cache.shared=group) */
  dirMode?: number;
  /** the umask strips bits of 0o444 at creation, so objects need an explicit chmod */
  chmod?: boolean;
  /**
   * a temp file in `objects` already holding a copy of `src` made while `src` was hashed to
   * `md5` (see storeLargeFileImpl); it becomes the object when `src` still has the stat the hash
   * saw, else it is dropped and the file is stored in one pass
   */
  adopt?: { tmp: string; md5: string; size: number; ino: number; mtimeMs: number };
}

export interface StoreResult {
  md5: string;
  size: number;
  /** true when a new object was written */
  stored: boolean;
  /** inode and mtime of the source after it was read (the caller memoises only an unchanged file) */
  ino: number;
  mtimeMs: number;
}

export interface StoreDeps {
  fs: typeof import('node:fs');
  crypto: typeof import('node:crypto');
}

/**
 * Per-thread scratch: `x/` dirs made, objects known to exist, the temp-name tag and counter, a
 * reused read buffer.
 */
export type StoreScratch = Set<string> & {
  seq?: number;
  tag?: string;
  known?: Set<string>;
  buf?: Buffer;
  /** `objects` dir whose `fresh` prefixes did not exist when the run began (see hash-pool.ts) */
  freshDir?: string;
  fresh?: Set<string>;
};

export function storeFileImpl(deps: StoreDeps, job: StoreJob, made: StoreScratch): StoreResult {
  const { fs, crypto } = deps;
  const SMALL = 4 * 1024 * 1024;
  // unique per process/thread without a random draw per file (randomBytes showed in profiles)
  made.tag ??= process.pid + '-' + crypto.randomBytes(4).toString('hex');
  const known = (made.known ??= new Set<string>());
  const tmpName = (dir: string) => dir + '/.' + made.tag + '-' + (made.seq = (made.seq ?? 0) + 1) + '.tmp';
  const ensureSub = (sub: string) => {
    if (made.has(sub)) return;
    fs.mkdirSync(sub, { recursive: true, mode: job.dirMode ?? 0o777 });
    if (job.dirMode !== undefined && job.dirMode !== 0o777) fs.chmodSync(sub, job.dirMode);
    made.add(sub);
  };
  // An object already in the cache (or written earlier in this run) is never rewritten: renaming
  // over an existing file on ext4 forces writeback of the new data (auto_da_alloc) and frees the
  // old inode, ~40x the cost of the probe. DVC skips present objects too (dvc_data/hashfile/transfer.py).
  const present = (md5: string, final: string): boolean => {
    if (known.has(md5)) return true;
    // a prefix dir absent when the run began holds only objects this run wrote: no probe (a
    // duplicate written by the other thread is then renamed over, same bytes)
    if (made.fresh && job.objects === made.freshDir && made.fresh.has(md5.slice(0, 2))) return false;
    if (!fs.existsSync(final)) return false;
    known.add(md5);
    return true;
  };
  const finish = (md5: string, tmp: string | undefined): boolean => {
    const sub = job.objects + '/' + md5.slice(0, 2);
    const final = sub + '/' + md5.slice(2);
    if (present(md5, final)) {
      if (tmp) fs.unlinkSync(tmp);
      return false;
    }
    ensureSub(sub);
    if (tmp) fs.renameSync(tmp, final);
    known.add(md5);
    return true;
  };
  if (job.adopt) {
    const a = job.adopt;
    const st = fs.statSync(job.src);
    if (st.ino === a.ino && st.mtimeMs === a.mtimeMs && st.size === a.size && fs.statSync(a.tmp).size === a.size) {
      fs.chmodSync(a.tmp, 0o444);
      return { md5: a.md5, size: a.size, stored: finish(a.md5, a.tmp), ino: st.ino, mtimeMs: st.mtimeMs };
    }
    fs.unlinkSync(a.tmp);
  }
  if (job.size === undefined || job.size <= SMALL) {
    // small file: one read into a reused buffer; the fstat after the read gives the stat the
    // memo entry must match (no separate stat before or after)
    const buf = (made.buf ??= Buffer.allocUnsafe(SMALL));
    const fd = fs.openSync(job.src, 'r');
    let n = 0;
    let st: import('node:fs').Stats | undefined;
    try {
      for (;;) {
        const r = fs.readSync(fd, buf, n, SMALL - n, null);
        n += r;
        if (r === 0 || n === SMALL) break;
        // a short read of a regular file is its end: confirm with the fstat we need anyway
        st = fs.fstatSync(fd);
        if (st.size === n) break;
      }
      st ??= fs.fstatSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (n < SMALL || st!.size === n) {
      const data = buf.subarray(0, n);
      const md5 = crypto.createHash('md5').update(data).digest('hex');
      const res = { md5, size: n, stored: false, ino: st!.ino, mtimeMs: st!.mtimeMs };
      if (!job.objects) return res;
      const sub = job.objects + '/' + md5.slice(0, 2);
      const final = sub + '/' + md5.slice(2);
      if (present(md5, final)) return res;
      ensureSub(sub);
      const tmp = tmpName(sub);
      fs.writeFileSync(tmp, data, { mode: 0o444 });
      if (job.chmod) fs.chmodSync(tmp, 0o444);
      fs.renameSync(tmp, final);
      known.add(md5);
      res.stored = true;
      return res;
    }
    // it grew past the small limit since the caller's stat: stream it below
  }
  // large file: stream 1 MiB chunks through the hash and into the temp object (the fallback of
  // storeLargeFileImpl, and the hash-only pass it runs next to its copy)
  const fd = fs.openSync(job.src, 'r');
  let out: number | undefined;
  let tmp: string | undefined;
  try {
    if (job.objects) {
      fs.mkdirSync(job.objects, { recursive: true });
      tmp = tmpName(job.objects);
      out = fs.openSync(tmp, 'w', 0o644);
    }
    const buf = Buffer.allocUnsafe(1024 * 1024);
    const h = crypto.createHash('md5');
    let size = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const chunk = n === buf.length ? buf : buf.subarray(0, n);
      h.update(chunk);
      if (out !== undefined) {
        let w = 0;
        while (w < n) w += fs.writeSync(out, chunk, w, n - w);
      }
      size += n;
    }
    const md5 = h.digest('hex');
    const st = fs.fstatSync(fd);
    if (out !== undefined) {
      fs.closeSync(out);
      out = undefined;
      fs.chmodSync(tmp!, 0o444);
    }
    const stored = job.objects ? finish(md5, tmp) : false;
    tmp = undefined;
    return { md5, size, stored, ino: st.ino, mtimeMs: st.mtimeMs };
  } finally {
    fs.closeSync(fd);
    if (out !== undefined) fs.closeSync(out);
    if (tmp) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // the temp file may already be gone; nothing else to clean
      }
    }
  }
}

/**
 * A large file (> 4 MiB) stored with two things at once: the kernel copies it to a temp object
 * (`copy_file_range` through libuv's thread pool, a reflink where the file system can clone)
 * while this thread hashes it from the page cache. The copy becomes the object only when the
 * file's (inode, mtime, size) before the copy, after the hash and after the copy all agree (an
 * edit in between changes the mtime); otherwise the one-pass hash+write of storeFileImpl runs.
 * DVC itself hashes first and copies afterwards without a check (dvc_data/hashfile/build.py,
 * transfer.py). Self-contained like storeFileImpl so workers can run it from source.
 */
export async function storeLargeFileImpl(
  deps: StoreDeps,
  job: StoreJob,
  made: StoreScratch,
  impl: typeof storeFileImpl,
): Promise<StoreResult> {
  const { fs, crypto } = deps;
  if (!job.objects || job.adopt || job.size === undefined || job.size <= 4 * 1024 * 1024) return impl(deps, job, made);
  const drop = (p: string) => {
    try {
      fs.unlinkSync(p);
    } catch {
      // a failed copy may not have created it
    }
  };
  const before = fs.statSync(job.src);
  fs.mkdirSync(job.objects, { recursive: true });
  made.tag ??= process.pid + '-' + crypto.randomBytes(4).toString('hex');
  const tmp = job.objects + '/.' + made.tag + '-' + (made.seq = (made.seq ?? 0) + 1) + '.tmp';
  const copied = fs.promises.copyFile(job.src, tmp, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE).then(
    () => true,
    () => false,
  );
  let h: StoreResult;
  try {
    h = impl(deps, { src: job.src, size: job.size }, made);
  } catch (e) {
    await copied;
    drop(tmp);
    throw e;
  }
  const same = h.ino === before.ino && h.mtimeMs === before.mtimeMs && h.size === before.size;
  if (!(await copied) || !same) {
    drop(tmp);
    return impl(deps, job, made);
  }
  return impl(deps, { ...job, adopt: { tmp, md5: h.md5, size: h.size, ino: h.ino, mtimeMs: h.mtimeMs } }, made);
}
