/**
 * The merged, validated configuration of a repository, with typed accessors for the keys the
 * engine reads (DVC `Config.load` + the consumers in `dvc/repo/__init__.py`, `dvc/cachemgr.py`).
 */
import { join } from 'node:path';
import type { LinkType } from '../cache/odb.js';
import { CACHE_DIR, DVC_DIR } from '../constants.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import type { ConfigEnvOptions, ConfigFiles } from './config-dirs.js';
import { createConfigContext, loadToLevel, validateMerged, type ConfigContext } from './config-levels.js';
import { ConfigPath } from './config-paths.js';
import { splitUrl, validateRemoteSection, type ValidatedTree } from './config-schema.js';
import { isTree, type ConfigLeaf, type ConfigTree } from './config-tree.js';
import { pyStr } from './py-text.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions extends ConfigEnvOptions {
  /** repository root (the directory holding `.dvc/`) */
  root: string;
  /** working directory (only used for relative paths in later edits); default: root */
  cwd?: string;
}

/** `[core]` as the engine reads it. */
export interface CoreConfig {
  /** `core.remote`: the default remote (lower-cased) */
  remote?: string;
  /** `core.no_scm` */
  noScm: boolean;
  /** `core.autostage` */
  autostage: boolean;
  /** `core.checksum_jobs` (≥ 1) when set */
  checksumJobs?: number;
  /** `core.interactive` */
  interactive: boolean;
  /** `core.hardlink_lock` */
  hardlinkLock: boolean;
  /** `core.site_cache_dir` when set */
  siteCacheDir?: string;
}

/** `[cache]` as the engine reads it. */
export interface CacheConfig {
  /** absolute cache directory: `cache.dir`, the url of the `cache.local` remote, else `<root>/.dvc/cache` */
  dir: string;
  /** true when `cache.dir` or `cache.local` is set */
  dirConfigured: boolean;
  /** link types in priority order; `reflink, copy` when not configured */
  type: LinkType[];
  /** true when `cache.type` is set */
  typeConfigured: boolean;
  /** `cache.shared` (`group`) when set */
  shared?: 'group';
  /** `cache.protected` (deprecated, ignored by DVC 3) */
  protected: boolean;
  /** `cache.slow_link_warning` */
  slowLinkWarning: boolean;
  /** `cache.verify` */
  verify: boolean;
}

/** The merged configuration of all levels (system < global < repo < local), validated. */
export interface DvcConfig {
  root: string;
  files: ConfigFiles;
  /** merged values as read (text, lists; path keys resolved to absolute paths) */
  raw: ConfigTree;
  /** merged values after DVC's schema (booleans, numbers, link-type lists, defaults) */
  values: ValidatedTree;
  /** `WARNING:` lines DVC would log while validating (unsupported `feature.*` keys) */
  warnings: string[];
  core: CoreConfig;
  cache: CacheConfig;
  /** names of the configured remotes, in config order */
  remoteNames: string[];
}

const DEFAULT_LINK_TYPES: LinkType[] = ['reflink', 'copy'];

function section(tree: ValidatedTree, name: string): ValidatedTree {
  const s = tree.get(name);
  return isTree(s) ? (s as ValidatedTree) : new Map();
}

const optString = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));

/**
 * Loads and validates the configuration of the repository at `root`. Only files that exist are
 * parsed; nothing is written.
 * @throws CONFIG_INVALID (exit 251) naming the file and line of a bad value or syntax error
 * @throws REMOTE_NOT_FOUND when `cache.local` names an unknown remote
 * @example
 * const config = loadConfig({ root: '/repo', env: process.env });
 * config.cache.dir; // '/repo/.dvc/cache'
 */
export function loadConfig(opts: LoadConfigOptions): DvcConfig {
  const ctx = createConfigContext(opts);
  return configFromContext(ctx);
}

/** Builds the {@link DvcConfig} of a context (shared with the config/remote api operations). */
export function configFromContext(ctx: ConfigContext): DvcConfig {
  const root = ctx.root;
  if (root === undefined) throw new Error('configFromContext needs a repository root');
  const raw = loadToLevel(ctx);
  const { value: values, warnings } = validateMerged(ctx, raw);
  const core = section(values, 'core');
  const cache = section(values, 'cache');
  const remotes = section(values, 'remote');
  const config: DvcConfig = {
    root,
    files: ctx.files,
    raw,
    values,
    warnings,
    core: {
      remote: optString(core.get('remote')),
      noScm: core.get('no_scm') === true,
      autostage: core.get('autostage') === true,
      checksumJobs: core.get('checksum_jobs') as number | undefined,
      interactive: core.get('interactive') === true,
      hardlinkLock: core.get('hardlink_lock') === true,
      siteCacheDir: optString(core.get('site_cache_dir')),
    },
    cache: {
      dir: join(root, DVC_DIR, CACHE_DIR),
      dirConfigured: false,
      type: (cache.get('type') as LinkType[] | undefined) ?? [...DEFAULT_LINK_TYPES],
      typeConfigured: cache.get('type') !== undefined,
      shared: cache.get('shared') === 'group' ? 'group' : undefined,
      protected: cache.get('protected') === true,
      slowLinkWarning: cache.get('slow_link_warning') !== false,
      verify: cache.get('verify') === true,
    },
    remoteNames: [...remotes.keys()],
  };
  // DVC `CacheManager`: `cache.local` (a remote name) wins over `cache.dir`
  const local = cache.get('local');
  const dir = cache.get('dir');
  if (local !== undefined) {
    config.cache.dir = resolveRemoteConfig(config, { name: String(local) }).url;
    config.cache.dirConfigured = true;
  } else if (dir !== undefined) {
    config.cache.dir = String(dir);
    config.cache.dirConfigured = true;
  }
  return config;
}

/** A remote ready to be opened: name, effective URL and its other options. */
export interface ResolvedRemote {
  /** lower-cased remote name */
  name: string;
  /** effective URL; local paths are absolute (relative ones resolved against their config file's dir) */
  url: string;
  /** URL scheme (`''` for local paths) */
  scheme: string;
  /** the remote's other keys as written (lists joined with `,`), `remote://` bases merged in */
  options: Record<string, string>;
  /** the same keys after DVC's schema (booleans, numbers), plus `checksum_jobs` from `core` */
  values: Record<string, unknown>;
}

/** Options of {@link resolveRemoteConfig}. */
export interface ResolveRemoteOptions {
  /** remote name; default `core.remote` */
  name?: string;
  /** command named in the "no remote" message (`dvc <command> -r <remote name>`) */
  command?: string;
}

function leafText(v: ConfigLeaf | ConfigTree): string {
  if (Array.isArray(v)) return v.join(',');
  if (isTree(v)) return pyStr(v);
  return String(v);
}

function lookupRemote(config: DvcConfig, name: string, seen: Set<string>): ConfigTree {
  const remotes = config.raw.get('remote');
  const key = name.toLowerCase();
  const sec = isTree(remotes) ? remotes.get(key) : undefined;
  if (!isTree(sec)) {
    throw dvcError('REMOTE_NOT_FOUND', `config file error: remote '${name}' doesn't exist`, {
      hint: 'list the configured remotes with `momo remote list`',
      exitCode: EXIT.CONFIG,
      data: { name },
    });
  }
  if (seen.has(key)) {
    throw dvcError('REMOTE_NOT_FOUND', `config file error: remote '${name}' refers to itself through remote:// urls`, {
      hint: 'point the remote:// url at a remote with a real url',
      exitCode: EXIT.CONFIG,
      data: { name },
    });
  }
  seen.add(key);
  const url = sec.get('url');
  const parsed = typeof url === 'string' || url instanceof ConfigPath ? splitUrl(String(url)) : undefined;
  if (!parsed || parsed.scheme !== 'remote') return sec;
  // DVC `dvc/fs/__init__.py::_resolve_remote_refs`: the base remote's keys, shadowed by this
  // remote's own keys, with url = base url + '/' + the path after `remote://<base>/`
  const base = lookupRemote(config, parsed.netloc, seen);
  const merged: ConfigTree = new Map([...base, ...sec]);
  merged.set('url', `${String(base.get('url'))}/${parsed.path.replace(/^\/+/, '')}`);
  return merged;
}

/**
 * Resolves a remote by name (default: `core.remote`), following `remote://` references.
 * @throws REMOTE_NO_DEFAULT "no remote specified in <root>. …" when no name is given and no default is set
 * @throws REMOTE_NOT_FOUND "remote 'x' doesn't exist"
 * @throws CONFIG_INVALID when the resolved remote fails the schema of its URL scheme
 * All three carry exit code 251; commands that catch DVC errors (push, pull, status…) exit 1.
 * @example
 * const { url, options } = resolveRemoteConfig(loadConfig({ root }), { name: 'storage' });
 */
export function resolveRemoteConfig(config: DvcConfig, opts: ResolveRemoteOptions = {}): ResolvedRemote {
  const name = opts.name || config.core.remote;
  if (!name) {
    const command = opts.command ?? '<command>';
    const message =
      config.remoteNames.length > 0
        ? `config file error: no remote specified in ${config.root}. Setup default remote with\n    dvc remote default <remote name>\nor use:\n    dvc ${command} -r <remote name>`
        : `config file error: no remote specified in ${config.root}. Create a default remote with\n    dvc remote add -d <remote name> <remote url>`;
    throw dvcError('REMOTE_NO_DEFAULT', message, {
      hint:
        config.remoteNames.length > 0
          ? 'set a default with `momo remote default <name>` or pass `-r <name>`'
          : 'add one with `momo remote add -d <name> <url>`',
      exitCode: EXIT.CONFIG,
      data: { root: config.root },
    });
  }
  const sec = lookupRemote(config, name, new Set());
  let values: ValidatedTree;
  try {
    values = validateRemoteSection(sec);
  } catch (e) {
    const msg = e instanceof Error && 'render' in e ? (e as { render(): string }).render() : String(e);
    throw dvcError('CONFIG_INVALID', `config file error: ${msg}`, {
      hint: `check the keys of remote '${name.toLowerCase()}' with \`momo config -l\``,
      exitCode: EXIT.CONFIG,
      data: { name },
    });
  }
  const url = String(sec.get('url'));
  const options: Record<string, string> = {};
  const typed: Record<string, unknown> = {};
  for (const [k, v] of sec) if (k !== 'url') options[k] = leafText(v);
  for (const [k, v] of values) if (k !== 'url') typed[k] = v instanceof ConfigPath ? v.path : v;
  if (typed.checksum_jobs === undefined && config.core.checksumJobs) typed.checksum_jobs = config.core.checksumJobs;
  const parsed = splitUrl(url);
  return {
    name: name.toLowerCase(),
    url,
    scheme: parsed && parsed.netloc ? parsed.scheme : '',
    options,
    values: typed,
  };
}
