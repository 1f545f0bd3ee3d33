/**
 * The JS counterpart of `dvc.api` (spec §13): `getUrl`, `open`, `read` for the workspace or a git
 * revision of a local DVC project, plus data bundles: every file of some outputs as recorded at a
 * revision, copied out of the cache or a remote with each hash verified, and a manifest listing
 * them (what `momo kb freeze` ships to an installer).
 *
 * Behaviour matched against DVC 3.67.1 (`dvc/api/data.py`, `dvc/repo/open_repo.py`):
 * - `getUrl` never checks existence. The remote is `remote`, else the default remote. A local
 *   project whose workspace config has no default remote gets the cache directory as its
 *   "auto-generated-upstream" remote (`open_repo.py::_get_remote_config`), so the URL is then the
 *   cache path. At a revision the default remote is the one that revision's `.dvc/config` names
 *   (a remote defined only in the workspace is still found by name).
 * - `open`/`read` without `rev` read the workspace file when it exists (DVC's workspace
 *   filesystem), else the object from the cache, else from the remote; with `rev` git-tracked
 *   files come from git and DVC outputs from the cache, else the remote. Objects are verified
 *   against their md5 (DVC streams them unverified; momo refuses a corrupted object).
 * - Error texts as DVC's: "Unable to find DVC file with output '<path>'", "The path '<path>' does
 *   not exist in the target repository '<path>' neither as a DVC output nor as a Git-tracked
 *   file." (errata E10: the path stands in the repository slot), "'<path>' is a directory",
 *   "Only reading `mode` is supported.", "unknown Git revision '<rev>'".
 * - Not supported: `repo` as a git URL (clone it first), subrepos, imports, cloud-versioned remotes.
 */
import * as fs from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, isAbsolute, join, posix, relative, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { EXIT, MomoError } from '@momo/errors';
import type { Remote } from '@momo/remotes';
import { Repo } from '../repo/repo.js';
import { loadIndex, type TrackedOut } from '../repo/index.js';
import { remotePath } from '../repo/data-cloud.js';
import { resolveRemoteConfig } from '../config/load-config.js';
import { parseIni, type IniSection } from '../config/configobj.js';
import { computeDirHash, parseDirManifest, type TreeEntry } from '../hashing/dir-manifest.js';
import { md5Dos2UnixFile, md5File, md5Hex } from '../hashing/md5.js';
import { parseDvcFile } from '../models/dvcfile.js';
import { parseLockfile } from '../models/lockfile.js';
import { parseYaml } from '../yaml/parse.js';
import { runGit } from '../scm/git.js';
import { dvcError } from '../errors/dvc-error.js';
import { CODES } from '../errors/codes.js';
import { compareCodePoints } from '../models/py-compare.js';

/**
 * Codes raised by this module besides OUTPUT_NOT_FOUND, REV_NOT_FOUND, REMOTE_NO_DEFAULT,
 * REMOTE_NOT_FOUND, CACHE_OBJECT_MISSING and CACHE_OBJECT_CORRUPTED; all are registered in
 * ../errors/codes.ts, this subset stays exported for callers that switch on them.
 */
export const DVC_API_CODES = {
  API_PATH_MISSING: CODES.API_PATH_MISSING,
  API_PATH_IS_DIRECTORY: CODES.API_PATH_IS_DIRECTORY,
  API_MODE_UNSUPPORTED: CODES.API_MODE_UNSUPPORTED,
  API_REPO_UNSUPPORTED: CODES.API_REPO_UNSUPPORTED,
  BUNDLE_OUT_INVALID: CODES.BUNDLE_OUT_INVALID,
  BUNDLE_INVALID: CODES.BUNDLE_INVALID,
} as const;

/** Options shared by {@link getUrl}, {@link open}, {@link read} and {@link resolveData}. */
export interface DvcApiOptions {
  /** The DVC project: a local directory (absolute, or relative to `cwd`). Default: `cwd`. */
  repo?: string;
  /** Working directory for a relative `repo` (library code never reads process.cwd()). */
  cwd?: string;
  /** A git revision (branch, tag, commit). Default: the workspace. */
  rev?: string;
  /** Name of the remote to use instead of the default one. */
  remote?: string;
  /** Keys merged over the remote's config section (e.g. `{ url: '/mnt/backup' }`). */
  remoteConfig?: Record<string, string>;
  /** Environment for config levels and `~` (default: none; the CLI passes process.env). */
  env?: Record<string, string | undefined>;
}

/** Options of {@link open} and {@link read}. */
export interface DvcOpenOptions extends DvcApiOptions {
  /** `r` (text, the default) or `rb` (bytes); any mode containing `r` is accepted, as in DVC. */
  mode?: string;
  /** Text encoding for `r`. @default 'utf8' */
  encoding?: BufferEncoding;
}

/** One file of a resolved output. */
export interface ResolvedFile {
  /** repo-relative POSIX path */
  path: string;
  md5: string;
  size?: number;
}

/** Where a path's data lives, as recorded in a `.dvc` file or `dvc.lock` (at `rev`). */
export interface ResolvedData {
  /** the requested path, repo-relative POSIX */
  path: string;
  /** the output that records it (equal to `path`, or a tracked directory containing it) */
  out: string;
  /** the file that records the output (`data.dvc`, `dvc.lock`) */
  dvcfile: string;
  /** md5 of the path's object (`….dir` for a directory) */
  md5: string;
  /** legacy DVC 2.x entry (md5-dos2unix, objects outside `files/md5/`) */
  legacy: boolean;
  isDir: boolean;
  size?: number;
  nfiles?: number;
  /** the revision as given, or `workspace` */
  rev: string;
  /** commit sha of `rev` (undefined for the workspace) */
  commit?: string;
}

interface Ctx {
  repo: Repo;
  rev?: string;
  commit?: string;
  /** files of the revision (repo-relative), for rev mode */
  revFiles?: Set<string>;
  revDirs?: Set<string>;
  opts: DvcApiOptions;
}

interface Entry {
  out: string;
  dvcfile: string;
  md5?: string | null;
  legacy: boolean;
  size?: number;
  nfiles?: number;
  remote?: string;
  cache: boolean;
}

function openCtx(opts: DvcApiOptions): Ctx {
  const repoArg = opts.repo ?? opts.cwd;
  if (repoArg === undefined) {
    throw dvcError('USAGE_INVALID', 'pass `repo` (the DVC project directory) or `cwd`', { exitCode: EXIT.USAGE });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repoArg) || /^[^/]+@[^/]+:/.test(repoArg)) {
    throw dvcError('API_REPO_UNSUPPORTED', `'${repoArg}' is a git URL; momo's api reads local projects only`, {
      hint: `clone it first (\`git clone ${repoArg}\`) and pass the clone's directory as repo`,
      data: { repo: repoArg },
    });
  }
  const abs = isAbsolute(repoArg) ? repoArg : resolve(opts.cwd ?? '/', repoArg);
  const repo = Repo.open({ cwd: abs, env: opts.env as NodeJS.ProcessEnv | undefined });
  const ctx: Ctx = { repo, opts };
  if (opts.rev !== undefined) {
    ctx.rev = opts.rev;
    const v = runGit(repo.root, ['rev-parse', '--verify', '-q', `${opts.rev}^{commit}`]);
    if (v.code !== 0) {
      throw dvcError('REV_NOT_FOUND', `unknown Git revision '${opts.rev}'`, {
        hint: 'use a branch, tag or commit that exists (`git tag`, `git log`)',
        data: { rev: opts.rev },
      });
    }
    ctx.commit = v.stdout.toString('utf8').trim();
    const ls = runGit(repo.root, ['ls-tree', '-r', '-z', '--name-only', ctx.commit]);
    const files = ls.stdout.toString('utf8').split('\0').filter(Boolean);
    ctx.revFiles = new Set(files);
    ctx.revDirs = new Set();
    for (const f of files) {
      const parts = f.split('/');
      for (let k = 1; k < parts.length; k++) ctx.revDirs.add(parts.slice(0, k).join('/'));
    }
  }
  return ctx;
}

/** A file of the revision (paths relative to the DVC root), or undefined when absent. */
function revRead(ctx: Ctx, rel: string): Buffer | undefined {
  if (!ctx.revFiles?.has(rel)) return undefined;
  const r = runGit(ctx.repo.root, ['show', `${ctx.commit}:./${rel}`]);
  return r.code === 0 ? r.stdout : undefined;
}

function normRel(ctx: Ctx, path: string): string {
  const p = isAbsolute(path) ? relative(ctx.repo.root, path) : path;
  const n = posix.normalize(p.split('\\').join('/')).replace(/\/+$/, '');
  return n === '.' ? '' : n;
}

/** Outputs recorded at the revision: `.dvc` files and `dvc.lock` files of the tree. */
function entriesAtRev(ctx: Ctx): Entry[] {
  const out: Entry[] = [];
  for (const file of [...ctx.revFiles!].sort(compareCodePoints)) {
    if (file.startsWith('.dvc/')) continue;
    const dir = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    if (file.endsWith('.dvc')) {
      const text = revRead(ctx, file)?.toString('utf8');
      if (text === undefined) continue;
      const model = parseDvcFile(text, file);
      const wdir = typeof model.raw.wdir === 'string' ? model.raw.wdir : '.';
      for (const e of model.outs) {
        if (posix.isAbsolute(e.path)) continue;
        out.push({
          out: posix.normalize(posix.join(dir || '.', wdir, e.path)).replace(/\/$/, ''),
          dvcfile: file,
          md5: e.md5,
          legacy: e.md5 !== undefined && e.hash === undefined,
          size: e.size,
          nfiles: e.nfiles,
          remote: e.remote,
          cache: e.cache !== false,
        });
      }
    } else if (posix.basename(file) === 'dvc.lock') {
      const text = revRead(ctx, file)?.toString('utf8');
      if (text === undefined) continue;
      const lock = parseLockfile({ text, file: dir ? `${dir}/dvc.lock` : './dvc.lock' });
      const wdirs = stageWdirs(ctx, dir ? `${dir}/dvc.yaml` : 'dvc.yaml');
      for (const [name, stage] of lock.stages) {
        const wdir = wdirs.get(name) ?? wdirs.get(name.split('@')[0]) ?? '.';
        for (const e of stage.outs) {
          if (posix.isAbsolute(e.path)) continue;
          out.push({
            out: posix.normalize(posix.join(dir || '.', wdir, e.path)).replace(/\/$/, ''),
            dvcfile: file,
            md5: e.md5,
            legacy: e.md5 != null && e.hash === undefined,
            size: e.size,
            nfiles: e.nfiles,
            cache: true,
          });
        }
      }
    }
  }
  return out;
}

/** `wdir:` of each stage of a dvc.yaml at the revision (plain strings only; templated ones are skipped). */
function stageWdirs(ctx: Ctx, file: string): Map<string, string> {
  const wdirs = new Map<string, string>();
  const text = revRead(ctx, file)?.toString('utf8');
  if (text === undefined) return wdirs;
  try {
    const data = parseYaml(text, file, { mappings: 'map', code: 'PIPELINE_FILE_INVALID' }).data;
    const stages = data instanceof Map ? data.get('stages') : undefined;
    if (stages instanceof Map) {
      for (const [name, st] of stages) {
        const w = st instanceof Map ? st.get('wdir') : undefined;
        if (typeof w === 'string' && !w.includes('${')) wdirs.set(String(name), w);
      }
    }
  } catch {
    // an unparsable dvc.yaml: its lock paths are taken relative to its directory
  }
  return wdirs;
}

function entriesInWorkspace(ctx: Ctx): Entry[] {
  return loadIndex(ctx.repo).outs.map((o: TrackedOut) => ({
    out: o.rel,
    dvcfile: o.dvcfile,
    md5: o.entry.md5,
    legacy: o.legacy,
    size: o.entry.size,
    nfiles: o.entry.nfiles,
    remote: o.entry.remote,
    cache: o.cache,
  }));
}

/** The output recording `rel` (itself, or the deepest tracked directory containing it). */
function findEntry(ctx: Ctx, rel: string): Entry | undefined {
  const all = ctx.rev !== undefined ? entriesAtRev(ctx) : entriesInWorkspace(ctx);
  let best: Entry | undefined;
  for (const e of all) {
    if (!e.md5) continue;
    if (e.out === rel || (e.md5.endsWith('.dir') && rel.startsWith(e.out + '/'))) {
      if (!best || e.out.length > best.out.length) best = e;
    }
  }
  return best;
}

/** The remote used for a read or a URL: name and how to reach it, or the cache ("auto-generated-upstream"). */
interface RemoteChoice {
  kind: 'remote' | 'cache';
  name: string;
  url: string;
  options: Record<string, string>;
}

function chooseRemote(ctx: Ctx, entry: Entry | undefined): RemoteChoice {
  const config = ctx.repo.settings.config;
  const explicit = ctx.opts.remote ?? entry?.remote;
  let name = explicit;
  if (!name) {
    const wsDefault = config.core.remote;
    if (!wsDefault) {
      // DVC `open_repo.py::_get_remote_config`: no default remote → the cache is the upstream
      if (ctx.opts.remoteConfig?.url) return { kind: 'remote', name: 'remote', url: ctx.opts.remoteConfig.url, options: { ...ctx.opts.remoteConfig } };
      return { kind: 'cache', name: 'auto-generated-upstream', url: ctx.repo.odb.cacheDir, options: {} };
    }
    if (ctx.rev === undefined) name = wsDefault;
    else {
      name = revConfig(ctx)?.sections.get('core')?.scalars.get('remote') as string | undefined;
      if (!name) {
        throw dvcError('REMOTE_NO_DEFAULT', `no remote specified in ${ctx.repo.root}`, {
          hint: `revision '${ctx.rev}' sets no default remote: pass remote: '<name>' (e.g. '${wsDefault}')`,
          exitCode: EXIT.CONFIG,
          data: { rev: ctx.rev },
        });
      }
    }
  }
  let url: string;
  let options: Record<string, string>;
  try {
    const r = resolveRemoteConfig(config, { name });
    url = r.url;
    options = r.options;
  } catch (e) {
    // a remote that only the revision's config defines
    const sec = ctx.rev !== undefined ? revConfig(ctx)?.sections.get(`remote "${name.toLowerCase()}"`) : undefined;
    const u = sec?.scalars.get('url');
    if (typeof u !== 'string') throw e;
    url = /^[a-z][a-z0-9+.-]+:\/\//i.test(u) ? u : resolve(ctx.repo.dvcDir, u);
    options = {};
    for (const [k, v] of sec!.scalars) if (k !== 'url') options[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const over = ctx.opts.remoteConfig ?? {};
  return { kind: 'remote', name: name.toLowerCase(), url: over.url ?? url, options: { ...options, ...over } };
}

function revConfig(ctx: Ctx): IniSection | undefined {
  const text = revRead(ctx, '.dvc/config')?.toString('utf8');
  if (text === undefined) return undefined;
  const parsed = parseIni(text);
  return 'root' in parsed ? parsed.root : undefined;
}

/** The URL of an object on a remote, as DVC prints it (`fs.unstrip_protocol`). */
function objectUrl(choice: RemoteChoice, o: { md5: string; legacy: boolean }): string {
  if (choice.kind === 'cache') return join(choice.url, remotePath(o));
  const m = /^([a-z][a-z0-9+.-]+):\/\//i.exec(choice.url);
  if (!m) return join(resolve(choice.url), remotePath(o));
  let base = choice.url.replace(/\/+$/, '');
  // DVC's ssh filesystem drops the user from the URL it returns (spec §13)
  if (m[1].toLowerCase() === 'ssh') base = base.replace(/^ssh:\/\/[^@/]*@/i, 'ssh://');
  return `${base}/${remotePath(o)}`;
}

async function openRemoteFor(ctx: Ctx, choice: RemoteChoice): Promise<Remote | undefined> {
  if (choice.kind === 'cache') return undefined;
  const { createRemote } = await import('@momo/remotes');
  const env = ctx.opts.env ?? {};
  return createRemote({
    config: { ...choice.options, url: choice.url },
    name: choice.name,
    cwd: ctx.repo.dvcDir,
    homeDir: env.HOME,
    sshAgent: env.SSH_AUTH_SOCK,
  });
}

function hashOf(bytes: Buffer, o: { md5: string; legacy: boolean }): string {
  if (o.md5.endsWith('.dir')) return md5Hex(bytes) + '.dir';
  // legacy md5-dos2unix objects are checked when copied to a file (md5Dos2UnixFile); in memory
  // only DVC 3 objects are hashed exactly
  if (o.legacy) return o.md5;
  return md5Hex(bytes);
}

/** Reads a whole object from the cache, else the remote; verified against its md5. */
async function readObject(ctx: Ctx, o: { md5: string; legacy: boolean }, remote: () => Promise<Remote | undefined>, label: string): Promise<Buffer> {
  const cached = ctx.repo.odb.oidPath(o.md5, o.legacy);
  if (fs.existsSync(cached)) {
    const bytes = fs.readFileSync(cached);
    if (hashOf(bytes, o) === o.md5) return bytes;
  }
  const r = await remote();
  if (r) {
    let bytes: Buffer | undefined;
    try {
      bytes = await r.readFile(remotePath(o));
    } catch (e) {
      if (!(e instanceof MomoError && e.code === 'REMOTE_OBJECT_MISSING')) throw e;
    }
    if (bytes) {
      const actual = hashOf(bytes, o);
      if (actual !== o.md5) {
        throw dvcError('CACHE_OBJECT_CORRUPTED', `object '${o.md5}' of '${label}' on remote '${r.url}' is corrupted: its content hashes to '${actual}'`, {
          hint: 'push a good copy from a machine that has the data (`momo push`)',
          data: { md5: o.md5, actual, remote: r.url },
        });
      }
      return bytes;
    }
  }
  throw dvcError('CACHE_OBJECT_MISSING', `Can't find '${label}' neither locally nor on remote`, {
    hint: 'fetch it first (`momo fetch`), or push it from a machine that has it (`momo push`)',
    data: { md5: o.md5, path: label },
  });
}

async function withRemote<T>(ctx: Ctx, entry: Entry, fn: (remote: () => Promise<Remote | undefined>) => Promise<T>): Promise<T> {
  let opened: Promise<Remote | undefined> | undefined;
  const lazy = () => (opened ??= (async () => {
    let choice: RemoteChoice;
    try {
      choice = chooseRemote(ctx, entry);
    } catch {
      // no remote to fall back on: the cache alone decides
      return undefined;
    }
    return openRemoteFor(ctx, choice);
  })());
  try {
    return await fn(lazy);
  } finally {
    if (opened) await (await opened)?.close();
  }
}

/** The manifest entries of a directory object (from the cache or the remote). */
async function dirEntries(ctx: Ctx, entry: Entry, remote: () => Promise<Remote | undefined>): Promise<TreeEntry[]> {
  const bytes = await readObject(ctx, { md5: entry.md5!, legacy: entry.legacy }, remote, entry.out);
  return parseDirManifest(bytes, entry.md5!);
}

async function resolveIn(ctx: Ctx, rel: string, remote: () => Promise<Remote | undefined>): Promise<ResolvedData | undefined> {
  const entry = findEntry(ctx, rel);
  if (!entry) return undefined;
  const base = { out: entry.out, dvcfile: entry.dvcfile, legacy: entry.legacy, rev: ctx.rev ?? 'workspace', commit: ctx.commit };
  if (entry.out === rel) {
    return { path: rel, md5: entry.md5!, isDir: entry.md5!.endsWith('.dir'), size: entry.size, nfiles: entry.nfiles, ...base };
  }
  const inner = rel.slice(entry.out.length + 1);
  const entries = await dirEntries(ctx, entry, remote);
  const hit = entries.find((e) => e.relpath === inner);
  if (hit) return { path: rel, md5: hit.md5, isDir: false, ...base };
  const sub = entries.filter((e) => e.relpath.startsWith(inner + '/'));
  if (sub.length) {
    // a sub-directory of a tracked directory: DVC builds a tree object for it
    const tree = computeDirHash(sub.map((e) => ({ md5: e.md5, relpath: e.relpath.slice(inner.length + 1) })));
    return { path: rel, md5: tree.md5, isDir: true, nfiles: tree.nfiles, ...base };
  }
  return undefined;
}

function outputNotFound(path: string): MomoError {
  return dvcError('OUTPUT_NOT_FOUND', `Unable to find DVC file with output '${path}'`, {
    hint: 'track it first (`momo add <path>`, or as a stage output), or check the path and revision',
    data: { path },
  });
}

/**
 * Where a tracked path's data is recorded (at `rev`, else in the workspace): its output, hash and
 * recording file. A file inside a tracked directory is found through the directory's manifest.
 * @throws OUTPUT_NOT_FOUND, REV_NOT_FOUND, NOT_A_DVC_REPO
 * @example
 * const d = await resolveData('data/knowledge-base', { repo: '/repo', rev: 'v1.0.0' });
 * d.md5; // '…\.dir'
 */
export async function resolveData(path: string, options: DvcApiOptions): Promise<ResolvedData> {
  const ctx = openCtx(options);
  const rel = normRel(ctx, path);
  const probe = findEntry(ctx, rel);
  if (!probe) throw outputNotFound(path);
  const r = await withRemote(ctx, probe, (remote) => resolveIn(ctx, rel, remote));
  if (!r) throw outputNotFound(path);
  return r;
}

/**
 * The URL of a tracked path's object on the remote (`remote`, else the default one; the cache
 * path when the project has no default remote), as `dvc.api.get_url`. Existence is not checked.
 * @throws OUTPUT_NOT_FOUND "Unable to find DVC file with output '<path>'"
 * @throws REMOTE_NO_DEFAULT, REMOTE_NOT_FOUND, REV_NOT_FOUND
 * @example
 * await getUrl('data/knowledge-base/', { repo: '/repo', rev: 'v1.0.0' });
 * // '/srv/dvc-store/files/md5/6e/a46d53348e675e87743182f72de908.dir'
 */
export async function getUrl(path: string, options: DvcApiOptions): Promise<string> {
  const ctx = openCtx(options);
  const rel = normRel(ctx, path);
  const entry = findEntry(ctx, rel);
  if (!entry) throw outputNotFound(path);
  const choice = chooseRemote(ctx, entry);
  const data = await withRemote(ctx, entry, (remote) => resolveIn(ctx, rel, remote));
  if (!data) throw outputNotFound(path);
  return objectUrl(choice, { md5: data.md5, legacy: data.legacy });
}

function checkMode(mode: string | undefined): void {
  if (mode !== undefined && !mode.includes('r')) {
    throw dvcError('API_MODE_UNSUPPORTED', 'Only reading `mode` is supported.', { hint: "use mode 'r' (text) or 'rb' (bytes)", exitCode: EXIT.USAGE, data: { mode } });
  }
}

function pathMissing(path: string): MomoError {
  return dvcError('API_PATH_MISSING', `The path '${path}' does not exist in the target repository '${path}' neither as a DVC output nor as a Git-tracked file.`, {
    hint: 'check the path (relative to the project root) and the revision',
    data: { path },
  });
}

function isDirectory(path: string): MomoError {
  return dvcError('API_PATH_IS_DIRECTORY', `'${path}' is a directory`, { hint: 'open a file inside it', data: { path } });
}

/** The bytes of a path: workspace/git file, or a DVC object from the cache or remote. */
async function readBytes(path: string, options: DvcOpenOptions): Promise<Buffer> {
  checkMode(options.mode);
  const ctx = openCtx(options);
  const rel = normRel(ctx, path);
  if (ctx.rev === undefined) {
    const st = fs.statSync(join(ctx.repo.root, rel), { throwIfNoEntry: false });
    if (st?.isDirectory()) throw isDirectory(path);
    if (st?.isFile()) return fs.readFileSync(join(ctx.repo.root, rel));
  } else {
    const blob = revRead(ctx, rel);
    if (blob !== undefined) return blob;
  }
  const entry = findEntry(ctx, rel);
  if (!entry) {
    if (ctx.rev !== undefined && ctx.revDirs!.has(rel)) throw isDirectory(path);
    throw pathMissing(path);
  }
  return withRemote(ctx, entry, async (remote) => {
    const data = await resolveIn(ctx, rel, remote);
    if (!data) throw pathMissing(path);
    if (data.isDir) throw isDirectory(path);
    return readObject(ctx, { md5: data.md5, legacy: data.legacy }, remote, rel);
  });
}

/**
 * Reads a whole file of the project (workspace or `rev`): a DVC output from the cache or the
 * remote (verified), or a git-tracked file. Text for mode `r` (default), a Buffer for `rb`.
 * @throws API_PATH_MISSING, API_PATH_IS_DIRECTORY, API_MODE_UNSUPPORTED, CACHE_OBJECT_MISSING, REV_NOT_FOUND
 * @example
 * const text = await read('data/knowledge-base/manifest.json', { repo: '/repo', rev: 'v1.0.0' });
 */
export async function read(path: string, options: DvcOpenOptions & { mode: 'rb' }): Promise<Buffer>;
export async function read(path: string, options: DvcOpenOptions): Promise<string>;
export async function read(path: string, options: DvcOpenOptions): Promise<string | Buffer> {
  const bytes = await readBytes(path, options);
  return options.mode?.includes('b') ? bytes : bytes.toString(options.encoding ?? 'utf8');
}

/**
 * A readable stream of a file of the project, as `dvc.api.open` (workspace file, git blob, or a
 * DVC object streamed from the cache, else the remote; a DVC object's md5 is checked as it
 * streams and a mismatch ends the stream with CACHE_OBJECT_CORRUPTED). Text mode sets the encoding.
 * @example
 * for await (const chunk of await open('data/knowledge-base/chunks.jsonl', { repo, rev: 'v1.0.0' })) { … }
 */
export async function open(path: string, options: DvcOpenOptions): Promise<Readable> {
  checkMode(options.mode);
  const ctx = openCtx(options);
  const rel = normRel(ctx, path);
  const text = !options.mode?.includes('b');
  const finish = (s: Readable) => (text ? s.setEncoding(options.encoding ?? 'utf8') : s);
  if (ctx.rev === undefined) {
    const st = fs.statSync(join(ctx.repo.root, rel), { throwIfNoEntry: false });
    if (st?.isDirectory()) throw isDirectory(path);
    if (st?.isFile()) return finish(fs.createReadStream(join(ctx.repo.root, rel)));
  } else {
    const blob = revRead(ctx, rel);
    if (blob !== undefined) return finish(Readable.from([blob]));
  }
  const entry = findEntry(ctx, rel);
  if (!entry) {
    if (ctx.rev !== undefined && ctx.revDirs!.has(rel)) throw isDirectory(path);
    throw pathMissing(path);
  }
  let remote: Remote | undefined;
  const lazy = async () => (remote ??= await (async () => {
    try {
      return await openRemoteFor(ctx, chooseRemote(ctx, entry));
    } catch {
      // no remote configured: the cache alone decides
      return undefined;
    }
  })());
  const data = await resolveIn(ctx, rel, lazy);
  if (!data) throw pathMissing(path);
  if (data.isDir) throw isDirectory(path);
  const o = { md5: data.md5, legacy: data.legacy };
  let source: Readable;
  const cached = ctx.repo.odb.oidPath(o.md5, o.legacy);
  if (fs.existsSync(cached)) source = fs.createReadStream(cached);
  else {
    const r = await lazy();
    if (!r || !(await r.exists(remotePath(o)))) {
      await r?.close();
      throw dvcError('CACHE_OBJECT_MISSING', `Can't find '${rel}' neither locally nor on remote`, {
        hint: 'fetch it first (`momo fetch`), or push it from a machine that has it (`momo push`)',
        data: { md5: o.md5, path: rel },
      });
    }
    source = await r.read(remotePath(o));
  }
  const verify = o.legacy ? undefined : createHash('md5');
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      verify?.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const actual = verify?.digest('hex');
      if (actual !== undefined && actual !== o.md5) {
        cb(dvcError('CACHE_OBJECT_CORRUPTED', `object '${o.md5}' of '${rel}' is corrupted: its content hashes to '${actual}'`, { hint: 'fetch a good copy (`momo fetch`)', data: { md5: o.md5, actual } }));
      } else cb();
    },
  });
  source.on('error', (e) => check.destroy(e));
  check.on('close', () => void remote?.close());
  source.pipe(check);
  return finish(check);
}

// ------------------------------------------------------------------ data bundles

/** File name of a bundle's manifest. */
export const DATA_BUNDLE_MANIFEST = 'manifest.json';
/** `format` of a bundle manifest. */
export const DATA_BUNDLE_FORMAT = 'momo-data-bundle';

/** The manifest of a data bundle (`manifest.json`, canonical JSON). */
export interface DataBundleManifest {
  format: typeof DATA_BUNDLE_FORMAT;
  version: 1;
  /** version of momo that wrote the bundle */
  momo_version: string;
  source: { rev: string; commit: string };
  /** the outputs, as recorded at the revision */
  outs: Array<{ path: string; md5: string; dvcfile: string; size?: number; nfiles?: number }>;
  /** every file of the bundle except the manifest, sorted by path */
  files: Array<{ path: string; md5: string; size: number }>;
}

/** Options of {@link writeDataBundle}. */
export interface WriteDataBundleOptions extends Omit<DvcApiOptions, 'rev'> {
  /** the revision to take the outputs from (a tag such as `v1.0.0`) */
  rev: string;
  /** outputs to include (repo-relative) */
  paths: string[];
  /** outputs included only when the revision tracks them */
  optionalPaths?: string[];
  /** the bundle directory; replaced when it already holds a bundle */
  out: string;
  /** written into the manifest */
  momoVersion: string;
  /** called per copied file */
  onProgress?: (event: { done: number; total: number; path: string }) => void;
}

/** Result of {@link writeDataBundle}. */
export interface WriteDataBundleResult {
  dir: string;
  manifest: DataBundleManifest;
  /** files copied from the local cache / downloaded from the remote */
  fromCache: number;
  fromRemote: number;
  bytes: number;
}

/** JSON with object keys sorted at every level (deterministic bytes). */
export function canonicalJson(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v as object).sort()) {
        const x = (v as Record<string, unknown>)[k];
        if (x !== undefined) o[k] = norm(x);
      }
      return o;
    }
    return v;
  };
  return `${JSON.stringify(norm(value), null, 2)}\n`;
}

function md5OfFile(path: string, legacy: boolean): string {
  return legacy ? md5Dos2UnixFile(path).md5 : md5File(path).md5;
}

/**
 * Writes every file of `paths` as recorded at `rev` into a bundle directory with a manifest
 * (paths, md5, sizes, source rev and commit, momo version). Objects come from the local cache,
 * else from the remote; each is hashed after the copy and a mismatch stops the bundle. The
 * bundle is assembled in a temp sibling and renamed into place, so `out` is either the old bundle
 * or the complete new one. Same revision → byte-identical bundle.
 * @throws OUTPUT_NOT_FOUND, REV_NOT_FOUND, CACHE_OBJECT_MISSING, CACHE_OBJECT_CORRUPTED, BUNDLE_OUT_INVALID
 * @example
 * await writeDataBundle({ repo: '/repo', rev: 'v1.0.0', paths: ['data/knowledge-base'], out: '/tmp/core-kb', momoVersion: '0.1.0' });
 */
export async function writeDataBundle(options: WriteDataBundleOptions): Promise<WriteDataBundleResult> {
  const ctx = openCtx(options);
  const outDir = resolve(options.cwd ?? ctx.repo.root, options.out);
  if (fs.existsSync(outDir)) {
    const entries = fs.readdirSync(outDir);
    if (entries.length && !isBundleDir(outDir)) {
      throw dvcError('BUNDLE_OUT_INVALID', `'${options.out}' exists and is not a data bundle (no ${DATA_BUNDLE_MANIFEST} of format '${DATA_BUNDLE_FORMAT}')`, {
        hint: 'choose a new --out directory, or remove that one yourself',
        data: { out: options.out },
      });
    }
  }
  const wanted = [...options.paths.map((p) => ({ p, optional: false })), ...(options.optionalPaths ?? []).map((p) => ({ p, optional: true }))];
  const resolved: Entry[] = [];
  for (const w of wanted) {
    const rel = normRel(ctx, w.p);
    const e = findEntry(ctx, rel);
    if (!e || e.out !== rel) {
      if (w.optional) continue;
      throw dvcError('OUTPUT_NOT_FOUND', `Unable to find DVC file with output '${w.p}' at revision '${options.rev}'`, {
        hint: `check that '${w.p}' was tracked (a .dvc file or dvc.lock) in the commit '${options.rev}' points at`,
        data: { path: w.p, rev: options.rev },
      });
    }
    if (!resolved.some((x) => x.out === e.out)) resolved.push(e);
  }
  const stage = join(dirname(outDir), `.${posix.basename(outDir)}.${randomBytes(6).toString('hex')}.tmp`);
  fs.mkdirSync(stage, { recursive: true });
  let fromCache = 0;
  let fromRemote = 0;
  let bytes = 0;
  const files: DataBundleManifest['files'] = [];
  const outs: DataBundleManifest['outs'] = [];
  try {
    for (const e of resolved) {
      await withRemote(ctx, e, async (remote) => {
        const plan: Array<{ path: string; md5: string }> = [];
        if (e.md5!.endsWith('.dir')) {
          for (const t of await dirEntries(ctx, e, remote)) plan.push({ path: `${e.out}/${t.relpath}`, md5: t.md5 });
        } else plan.push({ path: e.out, md5: e.md5! });
        let done = 0;
        for (const item of plan) {
          const dest = join(stage, item.path);
          fs.mkdirSync(dirname(dest), { recursive: true });
          const how = await copyVerified(ctx, { md5: item.md5, legacy: e.legacy }, dest, remote, item.path);
          if (how === 'cache') fromCache++;
          else fromRemote++;
          const exact = md5File(dest);
          bytes += exact.size;
          // the manifest records the exact bytes' md5 (a legacy entry's md5-dos2unix may differ)
          files.push({ path: item.path, md5: exact.md5, size: exact.size });
          options.onProgress?.({ done: ++done, total: plan.length, path: item.path });
        }
        outs.push({ path: e.out, md5: e.md5!, dvcfile: e.dvcfile, size: e.size, nfiles: e.nfiles });
      });
    }
    files.sort((a, b) => compareCodePoints(a.path, b.path));
    outs.sort((a, b) => compareCodePoints(a.path, b.path));
    const manifest: DataBundleManifest = {
      format: DATA_BUNDLE_FORMAT,
      version: 1,
      momo_version: options.momoVersion,
      source: { rev: options.rev, commit: ctx.commit! },
      outs,
      files,
    };
    fs.writeFileSync(join(stage, DATA_BUNDLE_MANIFEST), canonicalJson(manifest));
    // swap: the old bundle (if any) moves aside, the new one takes its name, the old one goes
    let old: string | undefined;
    if (fs.existsSync(outDir)) {
      old = `${stage}.old`;
      fs.renameSync(outDir, old);
    }
    fs.renameSync(stage, outDir);
    if (old) fs.rmSync(old, { recursive: true, force: true });
    return { dir: outDir, manifest, fromCache, fromRemote, bytes };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

async function copyVerified(ctx: Ctx, o: { md5: string; legacy: boolean }, dest: string, remote: () => Promise<Remote | undefined>, label: string): Promise<'cache' | 'remote'> {
  const cached = ctx.repo.odb.oidPath(o.md5, o.legacy);
  if (fs.existsSync(cached)) {
    fs.copyFileSync(cached, dest);
    fs.chmodSync(dest, 0o644);
    if (md5OfFile(dest, o.legacy) === o.md5) return 'cache';
    fs.rmSync(dest, { force: true });
  }
  const r = await remote();
  if (r && (await r.exists(remotePath(o)))) {
    await r.download(remotePath(o), dest, { mode: 0o644 });
    const actual = md5OfFile(dest, o.legacy);
    if (actual !== o.md5) {
      throw dvcError('CACHE_OBJECT_CORRUPTED', `object '${o.md5}' of '${label}' on remote '${r.url}' is corrupted: its content hashes to '${actual}'`, {
        hint: 'push a good copy from a machine that has the data (`momo push`)',
        data: { md5: o.md5, actual, remote: r.url },
      });
    }
    return 'remote';
  }
  throw dvcError('CACHE_OBJECT_MISSING', `Can't find '${label}' (object '${o.md5}') neither locally nor on remote`, {
    hint: 'fetch it (`momo fetch -r <remote>`) or pass --remote naming a remote that has it',
    data: { md5: o.md5, path: label },
  });
}

function isBundleDir(dir: string): boolean {
  try {
    const m = JSON.parse(fs.readFileSync(join(dir, DATA_BUNDLE_MANIFEST), 'utf8')) as { format?: unknown };
    return m.format === DATA_BUNDLE_FORMAT;
  } catch {
    // no readable manifest: not a bundle
    return false;
  }
}

/** One problem found by {@link verifyDataBundle}. */
export interface BundleProblem {
  path: string;
  kind: 'missing' | 'modified' | 'size' | 'unexpected';
  expected?: string;
  actual?: string;
}

/** Result of {@link verifyDataBundle}. */
export interface VerifyDataBundleResult {
  ok: boolean;
  manifest: DataBundleManifest;
  problems: BundleProblem[];
  /** files hashed */
  checked: number;
  bytes: number;
}

/**
 * Checks a bundle against its manifest: every listed file present with its size and md5, and no
 * file that the manifest does not list. Never writes.
 * @throws BUNDLE_INVALID when the manifest is missing or malformed
 */
export function verifyDataBundle(options: { dir: string }): VerifyDataBundleResult {
  const dir = options.dir;
  let manifest: DataBundleManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(join(dir, DATA_BUNDLE_MANIFEST), 'utf8')) as DataBundleManifest;
  } catch (e) {
    throw dvcError('BUNDLE_INVALID', `'${join(dir, DATA_BUNDLE_MANIFEST)}' is missing or not JSON`, {
      hint: 'reinstall the bundle written by `momo kb freeze`',
      data: { dir },
      cause: e,
    });
  }
  if (manifest?.format !== DATA_BUNDLE_FORMAT || manifest.version !== 1 || !Array.isArray(manifest.files)) {
    throw dvcError('BUNDLE_INVALID', `'${join(dir, DATA_BUNDLE_MANIFEST)}' is not a ${DATA_BUNDLE_FORMAT} version 1 manifest`, {
      hint: 'reinstall the bundle written by `momo kb freeze`',
      data: { dir },
    });
  }
  const problems: BundleProblem[] = [];
  const listed = new Set<string>();
  let bytes = 0;
  for (const f of manifest.files) {
    const rel = String(f.path);
    if (rel.startsWith('/') || rel.split('/').includes('..')) {
      throw dvcError('BUNDLE_INVALID', `'${join(dir, DATA_BUNDLE_MANIFEST)}' lists a path outside the bundle: '${rel}'`, { hint: 'reinstall the bundle', data: { dir, path: rel } });
    }
    listed.add(rel);
    const abs = join(dir, rel);
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st?.isFile()) {
      problems.push({ path: rel, kind: 'missing' });
      continue;
    }
    if (st.size !== f.size) {
      problems.push({ path: rel, kind: 'size', expected: String(f.size), actual: String(st.size) });
      continue;
    }
    const actual = md5File(abs).md5;
    bytes += st.size;
    if (actual !== f.md5) problems.push({ path: rel, kind: 'modified', expected: f.md5, actual });
  }
  const walk = (d: string) => {
    for (const e of fs.readdirSync(join(dir, d), { withFileTypes: true })) {
      const rel = d ? `${d}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (rel !== DATA_BUNDLE_MANIFEST && !listed.has(rel)) problems.push({ path: rel, kind: 'unexpected' });
    }
  };
  walk('');
  problems.sort((a, b) => compareCodePoints(a.path, b.path));
  return { ok: problems.length === 0, manifest, problems, checked: manifest.files.length, bytes };
}
