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
}

export interface StoreDeps {
  fs: typeof import('node:fs');
  crypto: typeof import('node:crypto');
}

export function storeFileImpl(deps: StoreDeps, job: StoreJob, made: Set<string> & { seq?: number; tag?: string }): StoreResult {
  const { fs, crypto } = deps;
  const SMALL = 4 * 1024 * 1024;
  const st = fs.statSync(job.src);
  // unique per process/thread without a random draw per file (randomBytes showed in profiles)
  made.tag ??= process.pid + '-' + crypto.randomBytes(4).toString('hex');
  const tmpName = (dir: string) => dir + '/.' + made.tag + '-' + (made.seq = (made.seq ?? 0) + 1) + '.tmp';
  const finish = (md5: string, tmp: string | undefined): boolean => {
    const sub = job.objects + '/' + md5.slice(0, 2);
    const final = sub + '/' + md5.slice(2);
    if (fs.existsSync(final)) {
      if (tmp) fs.unlinkSync(tmp);
      return false;
    }
    if (!made.has(sub)) {
      fs.mkdirSync(sub, { recursive: true, mode: job.dirMode ?? 0o777 });
      if (job.dirMode !== undefined && job.dirMode !== 0o777) fs.chmodSync(sub, job.dirMode);
      made.add(sub);
    }
    if (tmp) fs.renameSync(tmp, final);
    return true;
  };
  if (st.size <= SMALL) {
    const data = fs.readFileSync(job.src);
    const md5 = crypto.createHash('md5').update(data).digest('hex');
    if (!job.objects) return { md5, size: data.length, stored: false };
    const sub = job.objects + '/' + md5.slice(0, 2);
    const final = sub + '/' + md5.slice(2);
    // no existence probe: a small object is cheaper to write and rename over an identical one
    // (same bytes, atomic) than to stat first on every file of a cold add
    if (!made.has(sub)) {
      fs.mkdirSync(sub, { recursive: true, mode: job.dirMode ?? 0o777 });
      if (job.dirMode !== undefined && job.dirMode !== 0o777) fs.chmodSync(sub, job.dirMode);
      made.add(sub);
    }
    const tmp = tmpName(sub);
    fs.writeFileSync(tmp, data, { mode: 0o444 });
    if (job.chmod) fs.chmodSync(tmp, 0o444);
    fs.renameSync(tmp, final);
    return { md5, size: data.length, stored: true };
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
    if (out !== undefined) {
      fs.closeSync(out);
      out = undefined;
      fs.chmodSync(tmp!, 0o444);
    }
    const stored = job.objects ? finish(md5, tmp) : false;
    tmp = undefined;
    return { md5, size, stored };
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
