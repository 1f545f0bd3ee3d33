/**
 * Path-valued config keys: how DVC resolves them when reading a config file and how it writes
 * them back (DVC `dvc/config.py::Config._resolve`, `_to_relpath`, `_map_dirs`).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** Keys holding paths, per section kind (`cache.dir`, remote files, machine scripts). */
export const PATH_KEYS = {
  cache: ['dir'],
  remote: [
    'url',
    'gdrive_user_credentials_file',
    'gdrive_service_account_json_file_path',
    'credentialpath',
    'configpath',
    'keyfile',
    'cert_path',
    'key_path',
  ],
  machine: ['startup_script', 'setup_script'],
} as const;

/**
 * A path value read from a config file, resolved to an absolute path. `typed` is the text found
 * in the file. DVC keeps two kinds: `~`-expanded values (written back as typed) and values that
 * were relative to the config file's directory (written back relative to the file's directory,
 * in normalised form). `toString()` is the absolute path, as DVC's `str` subclasses behave.
 */
export class ConfigPath {
  constructor(
    /** absolute path */
    readonly path: string,
    /** the text in the config file */
    readonly typed: string,
    /** true for a `~` value (DVC `ExpPath`), false for a relative one (DVC `RelPath`) */
    readonly expanded: boolean,
  ) {}
  toString(): string {
    return this.path;
  }
}

/** Where `~` points: the caller's home directory (never read from process.env here). */
export interface HomeOptions {
  /** home directory used for `~` (DVC: `$HOME`, else the passwd entry); undefined leaves `~` as is */
  homeDir: string | undefined;
}

const URL_LIKE = /^[\p{L}\p{N}_]+:\/\//u;

/** True for values DVC leaves alone because they look like URLs (`\w+://`, including `remote://`). */
export function isUrlLike(v: string): boolean {
  return URL_LIKE.test(v);
}

let passwdCache: Map<string, string> | undefined;

function passwdHome(user: string): string | undefined {
  if (!passwdCache) {
    passwdCache = new Map();
    try {
      for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const f = line.split(':');
        if (f.length >= 6) passwdCache.set(f[0], f[5]);
      }
    } catch {
      // no passwd database (e.g. Windows): `~user` stays unexpanded, as Python's expanduser does
    }
  }
  return passwdCache.get(user);
}

/** Python `os.path.expanduser` on POSIX: `~` and `~user` prefixes; unknown users stay unchanged. */
export function expandUser(p: string, opts: HomeOptions): string {
  if (!p.startsWith('~')) return p;
  const slash = p.indexOf('/', 1);
  const end = slash < 0 ? p.length : slash;
  let home: string | undefined;
  if (end === 1) home = opts.homeDir;
  else home = passwdHome(p.slice(1, end));
  if (home === undefined) return p;
  home = home.replace(/\/+$/, '');
  return home + p.slice(end) || '/';
}

/**
 * Resolves a path value read from the config file in `confDir` (DVC `Config._resolve`): URLs and
 * absolute paths unchanged; `~` values expanded; others joined to `confDir` and normalised.
 */
export function resolveConfigPath(value: string, confDir: string, opts: HomeOptions): string | ConfigPath {
  if (isUrlLike(value) || isAbsolute(value)) return value;
  const expanded = expandUser(value, opts);
  if (isAbsolute(expanded)) return new ConfigPath(expanded, value, true);
  return new ConfigPath(resolve(join(confDir, value)), value, false);
}

/**
 * The text DVC writes back for a path value (DVC `Config._to_relpath`): URLs unchanged; `~`
 * values as typed; relative values (or values read as relative) relative to `confDir`, with
 * new relative values taken relative to `cwd` first; absolute values unchanged.
 */
export function relativizeConfigPath(value: string | ConfigPath, confDir: string, cwd: string, opts: HomeOptions): string {
  const text = String(value);
  if (isUrlLike(text)) return text;
  if (value instanceof ConfigPath && value.expanded) return value.typed;
  if (expandUser(text, opts) !== text) return text;
  if (value instanceof ConfigPath || !isAbsolute(text)) {
    const rel = relative(resolve(cwd, confDir), resolve(cwd, text));
    return rel === '' ? '.' : rel;
  }
  return text;
}
