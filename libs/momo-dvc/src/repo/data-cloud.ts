import * as fs from 'node:fs';
import { join } from 'node:path';
import { isMomoError } from '@momo/errors';
import type { Remote } from '@momo/remotes';
import type { Repo } from './repo.js';
import type { TrackedOut } from './index.js';
import { readManifest } from '../planning/out-status.js';
import { parseDirManifest } from '../hashing/dir-manifest.js';
import { md5File, md5Dos2UnixFile, md5Hex } from '../hashing/md5.js';
import { md5FileInWorker } from '../hashing/md5-worker.js';
import { resolveRemoteConfig } from '../config/load-config.js';
import { dvcError } from '../errors/dvc-error.js';

/** One object to transfer: a file object, or a `.dir` manifest with the files it lists. */
export interface CloudObject {
  md5: string;
  legacy: boolean;
  /** name shown in `status -c`: the output path, or `<dir out>/<relpath>` */
  name: string;
}

/** What push/fetch need of an output (a workspace {@link TrackedOut} or one recorded at a git revision). */
export type CloudOut = Pick<TrackedOut, 'entry' | 'rel' | 'legacy' | 'cache'>;

/** The objects of one directory output (files first, `.dir` last) or of one file output. */
export interface ObjectGroup {
  out: CloudOut;
  /** the `.dir` object, when the output is a directory */
  dir?: CloudObject;
  /** file objects (for a directory: its entries, when the manifest is known) */
  files: CloudObject[];
  /** the manifest is neither in the local cache nor (yet) read from the remote */
  manifestUnknown?: boolean;
  /** manifest bytes read from the remote, stored in the cache only after all files arrived */
  manifestBytes?: Buffer;
}

/** Remote-relative object path in DVC's layout (files/md5/… or legacy xx/…). */
export function remotePath(o: { md5: string; legacy: boolean }): string {
  return o.legacy ? `${o.md5.slice(0, 2)}/${o.md5.slice(2)}` : `files/md5/${o.md5.slice(0, 2)}/${o.md5.slice(2)}`;
}

/** Outputs that take part in push/fetch: cached, with a hash, not `push: false` (push only). */
export function cloudOuts<T extends CloudOut>(outs: T[], forPush: boolean): T[] {
  return outs.filter((o) => o.cache && o.entry.md5 && !(forPush && o.entry.push === false) && !o.entry.extra?.repo);
}

/** Builds the object groups of outputs from the local cache's manifests. */
export function objectGroups(repo: Repo, outs: CloudOut[]): ObjectGroup[] {
  return outs.map((out) => {
    const md5 = out.entry.md5!;
    const legacy = out.legacy;
    if (!md5.endsWith('.dir')) return { out, files: [{ md5, legacy, name: out.rel }] };
    const entries = readManifest(repo, md5, legacy);
    const dir = { md5, legacy, name: out.rel };
    if (!entries) return { out, dir, files: [], manifestUnknown: true };
    return { out, dir, files: entries.map((e) => ({ md5: e.md5, legacy, name: `${out.rel}/${e.relpath}` })) };
  });
}

/** The remote each output goes to: its own `remote:` or the command's / default one (§10.2). */
export function groupByRemote<T extends CloudOut>(repo: Repo, outs: T[], remoteName?: string): { byRemote: Map<string, T[]>; noRemote: boolean } {
  const byRemote = new Map<string, T[]>();
  const fallback = remoteName ?? repo.settings.defaultRemote;
  let noRemote = false;
  for (const o of outs) {
    const own = o.entry.remote;
    // an output bound to another remote is skipped when -r names a different one
    if (own && remoteName && own.toLowerCase() !== remoteName.toLowerCase()) continue;
    const name = own ?? fallback;
    if (!name) {
      noRemote = true;
      continue;
    }
    const key = name.toLowerCase();
    byRemote.set(key, [...(byRemote.get(key) ?? []), o]);
  }
  return { byRemote, noRemote };
}

/** Opens a configured remote by name (lazy SDK imports happen inside the driver). */
export async function openRemote(repo: Repo, name: string, jobs?: number): Promise<Remote> {
  const resolved = resolveRemoteConfig(repo.settings.config, { name });
  const { createRemote } = await import('@momo/remotes');
  const env = repo.ctx.env ?? {};
  return createRemote({
    config: { ...resolved.options, url: resolved.url },
    name: resolved.name,
    homeDir: repo.ctx.homeDir ?? env.HOME,
    sshAgent: env.SSH_AUTH_SOCK,
    jobs,
  });
}

/** Downloaded objects at least this large are verified on a worker thread. */
const WORKER_HASH_MIN_BYTES = 16 * 1024 * 1024;

/** Cache prefix directories already made by {@link fetchObject}, per repo. */
const madeDirs = new WeakMap<Repo, Set<string>>();

/**
 * Downloads one object into the local cache, verified: the bytes land in a temp file next to the
 * object (the driver's atomic download), are hashed, and only a match is renamed into place
 * (0o444). A mismatch is never stored. Callers skip objects the cache already has.
 * @throws CACHE_OBJECT_CORRUPTED naming the object and the remote
 */
export async function fetchObject(repo: Repo, remote: Remote, o: { md5: string; legacy: boolean }, onBytes?: (n: number) => void): Promise<void> {
  const final = repo.odb.oidPath(o.md5, o.legacy);
  const dir = join(final, '..');
  let made = madeDirs.get(repo);
  if (!made) madeDirs.set(repo, (made = new Set()));
  if (!made.has(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: repo.odb.dirMode });
    made.add(dir);
  }
  let size = 0;
  await remote.download(remotePath(o), final, {
    mode: 0o444,
    onProgress: (p) => {
      size = p.transferred;
      onBytes?.(p.delta);
    },
    verify: async (tmp) => {
      // large objects hash on worker threads, so parallel downloads verify on every core
      const actual = o.md5.endsWith('.dir')
        ? md5Hex(fs.readFileSync(tmp)) + '.dir'
        : o.legacy
          ? md5Dos2UnixFile(tmp).md5
          : size >= WORKER_HASH_MIN_BYTES
            ? await md5FileInWorker(tmp)
            : md5File(tmp).md5;
      if (actual !== o.md5) {
        throw dvcError('CACHE_OBJECT_CORRUPTED', `object '${o.md5}' on remote '${remote.url}' is corrupted: its content hashes to '${actual}'`, {
          hint: 'push a good copy from a machine that has the data (`momo push`), or remove the object from the remote',
          data: { md5: o.md5, actual, remote: remote.url },
        });
      }
    },
  });
}

/**
 * Reads a `.dir` manifest from the remote (verified, kept in memory) for an output whose manifest
 * is not in the local cache; it is stored only after all of its files arrived (§10.3).
 */
export async function fetchManifest(remote: Remote, group: ObjectGroup): Promise<boolean> {
  if (!group.dir) return false;
  let bytes: Buffer;
  try {
    bytes = await remote.readFile(remotePath(group.dir));
  } catch (e) {
    // missing on the remote: the output's files stay unknown; any other failure (auth, network)
    // is a failed download, counted like DVC does ("N files failed to download")
    if (isMomoError(e, 'REMOTE_OBJECT_MISSING')) return false;
    throw e;
  }
  if (md5Hex(bytes) + '.dir' !== group.dir.md5) return false;
  const entries = parseDirManifest(bytes, group.dir.md5);
  group.files = entries.map((e) => ({ md5: e.md5, legacy: group.dir!.legacy, name: `${group.out.rel}/${e.relpath}` }));
  group.manifestUnknown = false;
  group.manifestBytes = bytes;
  return true;
}

/** The hash of an object file as DVC names it (`.dir` manifests by their bytes, legacy by dos2unix md5). */
function objectFileHash(file: string, o: { md5: string; legacy: boolean }): string {
  return o.md5.endsWith('.dir') ? md5Hex(fs.readFileSync(file)) + '.dir' : o.legacy ? md5Dos2UnixFile(file).md5 : md5File(file).md5;
}

/**
 * Which objects the remote has, as DVC decides it. On a local-path remote an object counts only
 * when its mode is exactly 0o444, or when re-hashing it matches its name (it is then protected);
 * a mismatching object is deleted from the remote and counts as absent, so push uploads a good copy
 * (dvc_data/hashfile/db/local.py::LocalHashFileDB.oids_exist/check, dvc-compat §20 A2). Other
 * remotes answer by existence alone, as DVC's do.
 */
export async function existsOnRemote(remote: Remote, objs: Array<{ md5: string; legacy: boolean }>, jobs: number): Promise<boolean[]> {
  if (!(remote.scheme === 'local' && 'root' in remote && typeof remote.root === 'string')) return remote.existsMany(objs.map(remotePath), { jobs });
  const root = remote.root;
  return objs.map((o) => {
    const file = join(root, remotePath(o));
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (!st || !st.isFile()) return false;
    if ((st.mode & 0o7777) === 0o444) return true;
    if (objectFileHash(file, o) === o.md5) {
      try {
        fs.chmodSync(file, 0o444);
      } catch {
        // not being able to protect is not fatal (DVC: "failed to protect", debug only)
      }
      return true;
    }
    fs.rmSync(file, { force: true });
    return false;
  });
}
