/**
 * Where the four config levels live (DVC `dvc/config.py::Config.files`, `dvc/dirs.py`,
 * platformdirs' XDG rules on Linux).
 */
import { userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { CONFIG_FILE, CONFIG_LOCAL_FILE, DVC_DIR } from '../constants.js';

/** Config levels in the order they shadow each other (later wins). */
export const CONFIG_LEVELS = ['system', 'global', 'repo', 'local'] as const;
export type ConfigLevel = (typeof CONFIG_LEVELS)[number];
/** Levels that need a repository. */
export const REPO_LEVELS: readonly ConfigLevel[] = ['repo', 'local'];

/** Environment variables DVC reads for the global and system config directories (dvc/env.py). */
export const DVC_GLOBAL_CONFIG_DIR_ENV = 'DVC_GLOBAL_CONFIG_DIR';
export const DVC_SYSTEM_CONFIG_DIR_ENV = 'DVC_SYSTEM_CONFIG_DIR';

/** The environment and home directory the config layer may look at (never process.env directly). */
export interface ConfigEnvOptions {
  /** environment variables (the CLI passes process.env); default: none */
  env?: Record<string, string | undefined>;
  /** home directory for `~`; default: `env.HOME`, else the passwd entry of the current user */
  homeDir?: string;
}

/**
 * Resolves the home directory from the options, as Python's expanduser would: `homeDir`, else
 * `env.HOME`, else the passwd entry of the current user (undefined when there is none).
 */
export function resolveHomeDir(opts: ConfigEnvOptions): string | undefined {
  if (opts.homeDir !== undefined) return opts.homeDir;
  const home = opts.env?.HOME;
  if (home !== undefined) return home;
  try {
    return userInfo().homedir;
  } catch {
    // no passwd entry for this uid (some containers): `~` stays unexpanded, as in Python
    return undefined;
  }
}

/**
 * Global config directory: `$DVC_GLOBAL_CONFIG_DIR`, else `$XDG_CONFIG_HOME/dvc` (when absolute),
 * else `~/.config/dvc`.
 */
export function globalConfigDir(opts: ConfigEnvOptions): string {
  const env = opts.env ?? {};
  const fromEnv = env[DVC_GLOBAL_CONFIG_DIR_ENV];
  if (fromEnv) return fromEnv;
  const xdg = env.XDG_CONFIG_HOME ?? '';
  if (isAbsolute(xdg)) return join(xdg, 'dvc');
  return join(resolveHomeDir(opts) ?? '/', '.config', 'dvc');
}

/**
 * System config directory: `$DVC_SYSTEM_CONFIG_DIR`, else the first absolute entry of
 * `$XDG_CONFIG_DIRS` + `/dvc`, else `/etc/xdg/dvc`.
 */
export function systemConfigDir(opts: ConfigEnvOptions): string {
  const env = opts.env ?? {};
  const fromEnv = env[DVC_SYSTEM_CONFIG_DIR_ENV];
  if (fromEnv) return fromEnv;
  const first = (env.XDG_CONFIG_DIRS ?? '').split(':').find((p) => isAbsolute(p));
  return join(first ?? '/etc/xdg', 'dvc');
}

/** The config file of each level; repo levels only inside a repository. */
export type ConfigFiles = { system: string; global: string; repo?: string; local?: string };

/** Computes the config file paths; `root` is the repository root (the directory holding `.dvc`). */
export function configFiles(root: string | undefined, opts: ConfigEnvOptions): ConfigFiles {
  const files: ConfigFiles = {
    system: pyJoin(systemConfigDir(opts), CONFIG_FILE),
    global: pyJoin(globalConfigDir(opts), CONFIG_FILE),
  };
  if (root !== undefined) {
    files.repo = join(root, DVC_DIR, CONFIG_FILE);
    files.local = join(root, DVC_DIR, CONFIG_LOCAL_FILE);
  }
  return files;
}

/** Python `os.path.join(a, b)` for a relative `b`: no normalisation (shown by `config --show-origin`). */
function pyJoin(a: string, b: string): string {
  return a === '' || a.endsWith('/') ? a + b : `${a}/${b}`;
}
