/**
 * `momo config`: get, set, unset and list config options at the system, global, repo and local
 * levels (DVC `dvc/commands/config.py::CmdConfig`).
 */
import { isMomoError } from '@momo/errors';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { resolveRepoRoot } from '../repo/find-root.js';
import { CONFIG_LEVELS, type ConfigEnvOptions, type ConfigLevel } from '../config/config-dirs.js';
import {
  availableLevels,
  createConfigContext,
  displayConfigFile,
  editLevel,
  levelFile,
  loadLevel,
  loadToLevel,
  type ConfigContext,
} from '../config/config-levels.js';
import { flattenTree, isTree, type ConfigLeaf, type ConfigTree } from '../config/config-tree.js';
import { pyStr } from '../config/py-text.js';

/** Options shared by every config and remote operation. */
export interface ConfigCommandOptions extends ConfigEnvOptions {
  /** where the command runs: finds the repository and anchors relative paths given as values */
  cwd: string;
  /**
   * Level to read or write (`--system`, `--global`, `--project` = `repo`, `--local`). Reads
   * default to all levels, writes to `repo`.
   */
  level?: ConfigLevel;
}

/** Runs a public operation, tagging escaping errors with its name (STYLE §4 `operation`). */
export function asOperation<T>(operation: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isMomoError(e) && !e.operation) e.operation = operation;
    throw e;
  }
}

/** Builds the config context for `cwd`: inside a repository all four levels, else system and global. */
export function openConfigContext(opts: ConfigCommandOptions): ConfigContext {
  let root: string | undefined;
  try {
    root = resolveRepoRoot(opts.cwd);
  } catch (e) {
    // outside a repository the system and global levels still work (DVC CmdBaseNoRepo)
    if (!isMomoError(e, 'NOT_A_DVC_REPO')) throw e;
  }
  const ctx = createConfigContext({ root, cwd: opts.cwd, env: opts.env, homeDir: opts.homeDir });
  if (opts.level !== undefined) {
    if (!(CONFIG_LEVELS as readonly string[]).includes(opts.level)) {
      throw dvcError('USAGE_INVALID', `unknown config level '${opts.level}'`, {
        hint: `use one of ${CONFIG_LEVELS.join(', ')}`,
        exitCode: EXIT.USAGE,
      });
    }
    levelFile(ctx, opts.level);
  }
  // DVC's config commands load every level before doing anything (CmdConfig.__init__ builds
  // `Config(validate=False)`), so a file that cannot be parsed fails every config command
  loadToLevel(ctx);
  return ctx;
}

/** A config option name split like DVC's `_name_type`. */
export interface ConfigName {
  /** `remote` or `db` for `remote.<name>.<option>` / `db.<name>.<option>` */
  top?: 'remote' | 'db';
  /** section (or remote/db name), lower-cased */
  section: string;
  /** option, lower-cased */
  option: string;
}

const NAME_RE = /^(?:(remote|db)\.)?([^.]*)\.([^.]*)$/;

/**
 * Parses `section.option`, `remote.<name>.<option>` or `db.<name>.<option>`.
 * @throws USAGE_INVALID (exit 254) with DVC's argparse wording
 */
export function parseConfigName(name: string): ConfigName {
  const m = NAME_RE.exec(name);
  if (!m) {
    throw dvcError(
      'USAGE_INVALID',
      'argument name: name argument should look like remote.name.option or db.name.option or section.option',
      { hint: 'for example `momo config core.autostage true` or `momo config remote.storage.url`', exitCode: EXIT.USAGE, data: { name } },
    );
  }
  return { top: m[1] as ConfigName['top'], section: m[2].toLowerCase(), option: m[3].toLowerCase() };
}

function scope(conf: ConfigTree, name: ConfigName): ConfigTree {
  if (!name.top) return conf;
  const sub = conf.get(name.top);
  return isTree(sub) ? sub : new Map();
}

/** DVC `CmdConfig._check`: the section (or remote/db) and option must exist at this level. */
function checkExists(conf: ConfigTree, name: ConfigName, file: string): void {
  const kind = name.top ?? 'section';
  const section = conf.get(name.section);
  if (section === undefined) {
    throw dvcError('CONFIG_KEY_INVALID', `config file error: ${kind} '${name.section}' doesn't exist`, {
      hint: `list what is set with \`momo config --list --show-origin\` (looked in '${file}')`,
      exitCode: EXIT.CONFIG,
      data: { ...name, file },
    });
  }
  const has = isTree(section) ? section.has(name.option) : pyStr(section).includes(name.option);
  if (!has) {
    throw dvcError('CONFIG_KEY_INVALID', `config file error: option '${name.option}' doesn't exist in ${kind} '${name.section}'`, {
      hint: `list what is set with \`momo config --list --show-origin\` (looked in '${file}')`,
      exitCode: EXIT.CONFIG,
      data: { ...name, file },
    });
  }
}

/** Options of {@link configGet}. */
export interface ConfigGetOptions extends ConfigCommandOptions {
  /** `section.option`, `remote.<name>.<option>` or `db.<name>.<option>` */
  name: string;
}

/** Result of {@link configGet}. */
export interface ConfigGetResult {
  /** false when no level defines the option (only possible without `level`) */
  found: boolean;
  /** the value as read (path keys resolved to absolute paths) */
  value?: ConfigLeaf | ConfigTree;
  /** the value as DVC prints it (Python `str()`: lists as `['a', 'b']`) */
  text?: string;
  /** the level that defines it (the highest one, without `level`) */
  level?: ConfigLevel;
  /** that level's file, as `--show-origin` prints it (`.dvc/config` for repo levels) */
  origin?: string;
}

/**
 * Reads one option: from `level`, or from the highest level that defines it.
 * @throws CONFIG_KEY_INVALID (251) when `level` is given and the option is not there
 * @throws USAGE_INVALID (254) for a malformed name; CONFIG_INVALID (251) for a broken file
 * @example
 * const { text } = configGet({ cwd, name: 'core.remote' });
 */
export function configGet(opts: ConfigGetOptions): ConfigGetResult {
  return asOperation('configGet', () => {
    const name = parseConfigName(opts.name);
    const ctx = openConfigContext(opts);
    const levels = opts.level ? [opts.level] : availableLevels(ctx).reverse();
    for (const level of levels) {
      const conf = scope(loadLevel(ctx, level), name);
      const file = levelFile(ctx, level);
      try {
        checkExists(conf, name, displayConfigFile(ctx, file));
      } catch (e) {
        if (opts.level) throw e;
        continue;
      }
      const section = conf.get(name.section);
      const value = isTree(section) ? section.get(name.option)! : undefined;
      return { found: true, value, text: pyStr(value), level, origin: displayConfigFile(ctx, file) };
    }
    return { found: false };
  });
}

/** Options of {@link configSet}. */
export interface ConfigSetOptions extends ConfigGetOptions {
  /** the value, stored as typed (path keys relative to the config file's directory) */
  value: string;
}

/** Result of {@link configSet} / {@link configUnset}. */
export interface ConfigWriteResult {
  level: ConfigLevel;
  /** absolute path of the file written */
  file: string;
  /** `WARNING:` lines DVC prints for this config (unsupported `feature.*` keys) */
  warnings: string[];
}

/**
 * Sets one option at `level` (default `repo`) and rewrites that file the way DVC does.
 * Relative values of path keys (`cache.dir`, `remote.<n>.url`, …) are taken relative to `cwd`
 * and stored relative to the config file's directory.
 * @throws CONFIG_INVALID (251) when the value fails DVC's schema; nothing is written
 * @example
 * configSet({ cwd, name: 'core.autostage', value: 'true' });
 */
export function configSet(opts: ConfigSetOptions): ConfigWriteResult {
  return asOperation('configSet', () => {
    const name = parseConfigName(opts.name);
    const ctx = openConfigContext(opts);
    return editLevel(ctx, opts.level ?? 'repo', (conf) => {
      const target = scope(conf, name);
      let section = target.get(name.section);
      if (!isTree(section)) {
        section = new Map();
        target.set(name.section, section);
      }
      section.set(name.option, opts.value);
    });
  });
}

/**
 * Removes one option at `level` (default `repo`).
 * @throws CONFIG_KEY_INVALID (251) when the option is not set at that level
 */
export function configUnset(opts: ConfigGetOptions): ConfigWriteResult {
  return asOperation('configUnset', () => {
    const name = parseConfigName(opts.name);
    const ctx = openConfigContext(opts);
    const level = opts.level ?? 'repo';
    const file = displayConfigFile(ctx, levelFile(ctx, level));
    return editLevel(ctx, level, (conf) => {
      const target = scope(conf, name);
      checkExists(target, name, file);
      (target.get(name.section) as ConfigTree).delete(name.option);
    });
  });
}

/** One `key=value` line of {@link configList}. */
export interface ConfigListEntry {
  level: ConfigLevel;
  /** the level's file as `--show-origin` prints it */
  origin: string;
  /** dotted key (`remote.storage.url`) */
  key: string;
  value: ConfigLeaf;
  /** the value as DVC prints it */
  text: string;
}

/** Options of {@link configList}. */
export type ConfigListOptions = ConfigCommandOptions;

/** Result of {@link configList}. */
export interface ConfigListResult {
  entries: ConfigListEntry[];
}

/**
 * Lists every option of each level (`level`, or system, global, repo, local in turn; the same
 * key can appear once per level). Path keys show their resolved absolute path.
 * @example
 * for (const e of configList({ cwd }).entries) console.log(`${e.key}=${e.text}`);
 */
export function configList(opts: ConfigListOptions): ConfigListResult {
  return asOperation('configList', () => {
    const ctx = openConfigContext(opts);
    const levels = opts.level ? [opts.level] : availableLevels(ctx);
    const entries: ConfigListEntry[] = [];
    for (const level of levels) {
      const origin = displayConfigFile(ctx, levelFile(ctx, level));
      for (const [key, value] of flattenTree(loadLevel(ctx, level))) {
        entries.push({ level, origin, key, value, text: pyStr(value) });
      }
    }
    return { entries };
  });
}
