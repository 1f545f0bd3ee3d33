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
export type StoreScratch = Set<string> & { seq?: number; tag?: string; known?: Set<string>; buf?: Buffer };

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
  // large file: stream 1 MiB chunks through the hash and into the temp object
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
