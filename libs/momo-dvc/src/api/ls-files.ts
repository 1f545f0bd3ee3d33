import { relative, join, sep } from 'node:path';
import { withOperation } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex } from '../repo/index.js';
import { readManifest } from '../planning/out-status.js';
import { compareCodePoints } from '../hashing/py-json.js';

export interface LsFilesOptions extends RepoOptions {
  /** list the files inside tracked directories too */
  recursive?: boolean;
}

export interface LsFilesEntry {
  /** path relative to cwd; directories end with `/` */
  path: string;
  md5?: string;
  size?: number;
  nfiles?: number;
  /** the `.dvc` file (relative to cwd) */
  dvcfile: string;
  /** false when the object is not in the local cache */
  inCache: boolean;
}

/** Lists what DVC tracks in this repo (outputs; with `recursive`, the files inside directories). */
export async function lsFiles(opts: LsFilesOptions): Promise<LsFilesEntry[]> {
  return withOperation('ls-files', () =>
    Repo.withRepo(opts, 'read', async (repo) => {
      const out: LsFilesEntry[] = [];
      const rel = (abs: string) => relative(opts.cwd, abs).split(sep).join('/');
      for (const o of loadIndex(repo).outs) {
        const md5 = o.entry.md5;
        const isDir = md5?.endsWith('.dir') ?? false;
        const inCache = md5 ? repo.odb.exists(md5, o.legacy) : false;
        out.push({ path: rel(o.abs) + (isDir ? '/' : ''), md5, size: o.entry.size, nfiles: o.entry.nfiles, dvcfile: rel(join(repo.root, o.dvcfile)), inCache });
        if (isDir && opts.recursive && md5) {
          for (const e of readManifest(repo, md5, o.legacy) ?? []) {
            out.push({ path: rel(join(o.abs, e.relpath)), md5: e.md5, dvcfile: rel(join(repo.root, o.dvcfile)), inCache: repo.odb.exists(e.md5, o.legacy) });
          }
        }
      }
      return out.sort((a, b) => compareCodePoints(a.path, b.path));
    }),
  );
}
