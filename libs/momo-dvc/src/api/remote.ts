/**
 * `momo remote add|default|list|modify|remove|rename`: manage `['remote "<name>"']` sections
 * (DVC `dvc/commands/remote.py`). Remote names are lower-cased like DVC's.
 */
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { CONFIG_LEVELS, REPO_LEVELS, type ConfigLevel } from '../config/config-dirs.js';
import { editLevel, loadLevel, loadToLevel, type ConfigContext } from '../config/config-levels.js';
import { isTree, type ConfigLeaf, type ConfigTree } from '../config/config-tree.js';
import { pyReprStr, pyStr } from '../config/py-text.js';
import { asOperation, openConfigContext, type ConfigCommandOptions, type ConfigWriteResult } from './config.js';

function group(conf: ConfigTree, name: 'remote' | 'core'): ConfigTree {
  let g = conf.get(name);
  if (!isTree(g)) {
    g = new Map();
    conf.set(name, g);
  }
  return g;
}

function notFound(name: string): Error {
  return dvcError('REMOTE_NOT_FOUND', `config file error: remote '${name}' doesn't exist.`, {
    hint: 'list the configured remotes with `momo remote list`',
    exitCode: EXIT.CONFIG,
    data: { name },
  });
}

/** Levels DVC revisits after removing or renaming a remote: `local` down to `upTo`. */
function levelsFromLocal(ctx: ConfigContext, upTo: ConfigLevel, inclusive: boolean): ConfigLevel[] {
  const out: ConfigLevel[] = [];
  for (const level of [...CONFIG_LEVELS].reverse()) {
    if (level === upTo && !inclusive) break;
    // outside a repository DVC fails here with "Not inside a DVC repo" after having edited the
    // target level; momo skips the repo levels instead
    if (ctx.root !== undefined || !REPO_LEVELS.includes(level)) out.push(level);
    if (level === upTo) break;
  }
  return out;
}

/** Result of a remote operation that writes config files. */
export interface RemoteWriteResult {
  /** the level the operation targeted */
  level: ConfigLevel;
  /** every file written, in order */
  files: string[];
  /** `WARNING:` lines for the config (unsupported `feature.*` keys) */
  warnings: string[];
}

function collect(results: ConfigWriteResult[], level: ConfigLevel): RemoteWriteResult {
  return {
    level,
    files: results.map((r) => r.file),
    warnings: [...new Set(results.flatMap((r) => r.warnings))],
  };
}

/** Options of {@link remoteAdd}. */
export interface RemoteAddOptions extends ConfigCommandOptions {
  name: string;
  /** URL or path; a relative path is taken relative to `cwd` and stored relative to the config file */
  url: string;
  /** also set `core.remote` at the same level (`-d`) */
  default?: boolean;
  /** replace an existing remote of that name (`-f`) */
  force?: boolean;
}

/**
 * Adds a remote at `level` (default `repo`).
 * @throws REMOTE_EXISTS (251) when the name exists at that level and `force` is not set
 * @throws CONFIG_INVALID (251) for an unsupported URL scheme; nothing is written
 * @example
 * remoteAdd({ cwd, name: 'storage', url: 's3://bucket/dvc', default: true });
 */
export function remoteAdd(opts: RemoteAddOptions): RemoteWriteResult & { name: string } {
  return asOperation('remoteAdd', () => {
    const ctx = openConfigContext(opts);
    const name = opts.name.toLowerCase();
    const level = opts.level ?? 'repo';
    const res = editLevel(ctx, level, (conf) => {
      const remotes = group(conf, 'remote');
      if (remotes.has(name) && !opts.force) {
        throw dvcError('REMOTE_EXISTS', `config file error: remote '${name}' already exists. Use \`-f|--force\` to overwrite it.`, {
          hint: `run \`momo remote add -f ${name} <url>\` to replace it, or \`momo remote modify ${name} url <url>\``,
          exitCode: EXIT.CONFIG,
          data: { name },
        });
      }
      remotes.set(name, new Map([['url', opts.url]]));
      if (opts.default) group(conf, 'core').set('remote', name);
    });
    return { ...collect([res], level), name };
  });
}

/** Options of {@link remoteDefault}. */
export interface RemoteDefaultOptions extends ConfigCommandOptions {
  /** remote to make the default; omit to read the current default */
  name?: string;
  /** remove `core.remote` at the level (`-u`) */
  unset?: boolean;
}

/** Result of {@link remoteDefault}. */
export interface RemoteDefaultResult {
  /** the default remote after the operation (when reading: the current one, if any) */
  name?: string;
  /** the value as DVC prints it */
  text?: string;
  /** files written (empty when only reading) */
  files: string[];
  warnings: string[];
}

/**
 * Reads, sets or unsets `core.remote`. Setting requires the remote to be defined at `level` or a
 * level below it.
 * @throws REMOTE_NOT_FOUND (251) "default remote must be present in remote list."
 * @example
 * remoteDefault({ cwd }).name; // 'storage' or undefined
 */
export function remoteDefault(opts: RemoteDefaultOptions): RemoteDefaultResult {
  return asOperation('remoteDefault', () => {
    const ctx = openConfigContext(opts);
    if (opts.name === undefined && !opts.unset) {
      const conf = opts.level ? loadLevel(ctx, opts.level) : loadToLevel(ctx);
      const value = group(conf, 'core').get('remote');
      if (value === undefined) return { files: [], warnings: [] };
      return { name: pyStr(value), text: pyStr(value), files: [], warnings: [] };
    }
    const name = opts.name?.toLowerCase();
    const level = opts.level ?? 'repo';
    const res = editLevel(ctx, level, (conf) => {
      const core = group(conf, 'core');
      if (opts.unset) {
        core.delete('remote');
        return;
      }
      const below = group(loadToLevel(ctx, level), 'remote');
      if (!group(conf, 'remote').has(name!) && !below.has(name!)) {
        throw dvcError('REMOTE_NOT_FOUND', 'config file error: default remote must be present in remote list.', {
          hint: `add it first: \`momo remote add ${name} <url>\` (or pick one from \`momo remote list\`)`,
          exitCode: EXIT.CONFIG,
          data: { name },
        });
      }
      core.set('remote', name!);
    });
    return { name: opts.unset ? undefined : name, text: opts.unset ? undefined : name, files: [res.file], warnings: res.warnings };
  });
}

/** One line of {@link remoteList}. */
export interface RemoteListEntry {
  name: string;
  /** the url as DVC prints it (local paths absolute) */
  url: string;
  /** true for the default remote */
  isDefault: boolean;
}

/**
 * Lists remotes: all levels merged, or one `level`.
 * @throws CONFIG_INVALID (255, as DVC crashes there) for a remote without `url` at that level;
 *   `data.listed` holds the remotes before it
 * @example
 * remoteList({ cwd }).remotes.map((r) => `${r.name}\t${r.url}`);
 */
export function remoteList(opts: ConfigCommandOptions): { remotes: RemoteListEntry[] } {
  return asOperation('remoteList', () => {
    const ctx = openConfigContext(opts);
    const conf = opts.level ? loadLevel(ctx, opts.level) : loadToLevel(ctx);
    const dflt = group(conf, 'core').get('remote');
    const remotes: RemoteListEntry[] = [];
    for (const [name, sec] of group(conf, 'remote')) {
      const url: ConfigLeaf | ConfigTree | undefined = isTree(sec) ? sec.get('url') : undefined;
      if (url === undefined) {
        // DVC crashes here with "unexpected error - 'url'" (exit 255)
        throw dvcError('CONFIG_INVALID', `config file error: remote '${name}' has no 'url'${opts.level ? ` at the ${opts.level} level` : ''}`, {
          hint: `set it with \`momo remote modify ${name} url <url>\``,
          exitCode: EXIT.UNEXPECTED,
          // the remotes before it, which DVC has printed by the time it fails
          data: { name, listed: remotes.map((r) => ({ ...r })) },
        });
      }
      remotes.push({ name, url: pyStr(url), isDefault: dflt !== undefined && pyStr(dflt) === name && typeof dflt === 'string' });
    }
    return { remotes };
  });
}

/** Options of {@link remoteModify}. */
export interface RemoteModifyOptions extends ConfigCommandOptions {
  name: string;
  option: string;
  /** new value; omitted (and not `unset`) stores Python's `None`, as DVC does */
  value?: string;
  /** remove the option (`-u`) */
  unset?: boolean;
}

/**
 * Sets or unsets one option of a remote at `level` (default `repo`). The remote may be defined
 * at a lower level; the option is then written at `level` only.
 * @throws REMOTE_NOT_FOUND (251) when no level up to `level` defines the remote
 * @throws CONFIG_INVALID (251) for an option the remote's URL scheme does not accept
 * @example
 * remoteModify({ cwd, name: 'storage', option: 'endpointurl', value: 'https://minio:9000' });
 */
export function remoteModify(opts: RemoteModifyOptions): RemoteWriteResult {
  return asOperation('remoteModify', () => {
    const ctx = openConfigContext(opts);
    const name = opts.name.toLowerCase();
    const level = opts.level ?? 'repo';
    const res = editLevel(ctx, level, (conf) => {
      const merged = loadToLevel(ctx, level);
      const mergedRemotes = group(merged, 'remote');
      const remotes = group(conf, 'remote');
      if (!mergedRemotes.has(name) && !remotes.has(name)) throw notFound(name);
      let sec = remotes.get(name);
      if (!isTree(sec)) {
        sec = new Map();
        remotes.set(name, sec);
      }
      if (opts.unset) sec.delete(opts.option);
      else sec.set(opts.option, opts.value ?? null);
    });
    return collect([res], level);
  });
}

/** Options of {@link remoteRemove}. */
export interface RemoteRemoveOptions extends ConfigCommandOptions {
  name: string;
}

/**
 * Removes a remote at `level` (default `repo`), then clears `core.remote` wherever it names that
 * remote from `local` down to `level`. Like DVC, every one of those files is rewritten
 * (`.dvc/config.local` is created containing a single newline).
 * @throws REMOTE_NOT_FOUND (251) when the remote is not defined at `level`
 * @example
 * remoteRemove({ cwd, name: 'storage' });
 */
export function remoteRemove(opts: RemoteRemoveOptions): RemoteWriteResult {
  return asOperation('remoteRemove', () => {
    const ctx = openConfigContext(opts);
    const name = opts.name.toLowerCase();
    const level = opts.level ?? 'repo';
    const results: ConfigWriteResult[] = [];
    results.push(
      editLevel(ctx, level, (conf) => {
        const remotes = group(conf, 'remote');
        if (!remotes.has(name)) throw notFound(name);
        remotes.delete(name);
      }),
    );
    for (const l of levelsFromLocal(ctx, level, true)) {
      results.push(
        editLevel(ctx, l, (conf) => {
          const core = group(conf, 'core');
          if (core.get('remote') === name) core.delete('remote');
        }),
      );
    }
    return collect(results, level);
  });
}

/** Options of {@link remoteRename}. */
export interface RemoteRenameOptions extends ConfigCommandOptions {
  name: string;
  /** the new name (kept as typed in the file, as DVC does; read back lower-cased) */
  newName: string;
}

/**
 * Renames a remote at `level` (default `repo`) and updates `core.remote` at that level and at
 * every level above it (each of those files is rewritten, as DVC does).
 * @throws REMOTE_EXISTS (251) "Rename failed. Remote name 'x' already exists."
 * @throws REMOTE_NOT_FOUND (251) when the remote is not defined at `level`
 * @example
 * remoteRename({ cwd, name: 'storage', newName: 'backup' });
 */
export function remoteRename(opts: RemoteRenameOptions): RemoteWriteResult {
  return asOperation('remoteRename', () => {
    const ctx = openConfigContext(opts);
    const name = opts.name.toLowerCase();
    const newName = opts.newName;
    const level = opts.level ?? 'repo';
    if (group(loadToLevel(ctx), 'remote').has(newName)) {
      throw dvcError('REMOTE_EXISTS', `config file error: Rename failed. Remote name ${pyReprStr(newName)} already exists.`, {
        hint: 'pick another name, or remove that remote first with `momo remote remove`',
        exitCode: EXIT.CONFIG,
        data: { name, newName },
      });
    }
    const renameDefault = (conf: ConfigTree) => {
      const core = group(conf, 'core');
      if (core.get('remote') === name) core.set('remote', newName);
    };
    const results: ConfigWriteResult[] = [];
    results.push(
      editLevel(ctx, level, (conf) => {
        const remotes = group(conf, 'remote');
        const sec = remotes.get(name);
        if (sec === undefined) throw notFound(name);
        remotes.set(newName, sec);
        remotes.delete(name);
        renameDefault(conf);
      }),
    );
    for (const l of levelsFromLocal(ctx, level, false)) results.push(editLevel(ctx, l, renameDefault));
    return collect(results, level);
  });
}
