/**
 * Reading, merging, validating and editing the four config levels the way DVC's `Config` class
 * does (DVC `dvc/config.py`: `load_one`, `load_config_to_level`, `read`, `edit`, `validate`).
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { MomoError } from '@momo/errors';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { configFiles, CONFIG_LEVELS, resolveHomeDir, type ConfigEnvOptions, type ConfigFiles, type ConfigLevel } from './config-dirs.js';
import { ConfigPath, PATH_KEYS, relativizeConfigPath, resolveConfigPath, type HomeOptions } from './config-paths.js';
import { SCHEMA_SECTIONS, SchemaInvalid, validateConfigTree, type SchemaResult } from './config-schema.js';
import {
  cloneTree,
  getIn,
  isTree,
  lowerKeys,
  mergeInto,
  NAMED_SECTIONS,
  packNamed,
  parseNamed,
  toWriteTree,
  type ConfigLeaf,
  type ConfigTree,
} from './config-tree.js';
import { IniInterpolationError, IniQuoteError, iniToTree, parseIni, serializeIni, type IniSection } from './configobj.js';
import { decodeUtf8, pyStr } from './py-text.js';

/** Everything the config layer needs to know about where it runs. */
export interface ConfigContext {
  /** repository root, or undefined outside a repository (only system/global levels then) */
  readonly root?: string;
  /** directory relative command-line paths are taken from */
  readonly cwd: string;
  readonly files: ConfigFiles;
  readonly home: HomeOptions;
  /** parsed levels, dropped when a level is written */
  readonly cache: Map<ConfigLevel, LevelData>;
}

/** Options to build a {@link ConfigContext}. */
export interface ConfigContextOptions extends ConfigEnvOptions {
  /** repository root; omit outside a repository */
  root?: string;
  /** working directory for relative paths given on the command line; default: `root` */
  cwd?: string;
}

/** Builds the context; cheap (no file is read). */
export function createConfigContext(opts: ConfigContextOptions): ConfigContext {
  const root = opts.root === undefined ? undefined : resolve(opts.root);
  return {
    root,
    cwd: resolve(opts.cwd ?? root ?? '.'),
    files: configFiles(root, opts),
    home: { homeDir: resolveHomeDir(opts) },
    cache: new Map(),
  };
}

/** One parsed level: its tree (paths resolved, schema sections present) and key line numbers. */
export interface LevelData {
  tree: ConfigTree;
  /** `\0`-joined key path (`remote\0r\0url`) → 1-based line */
  lines: Map<string, number>;
  /** whether the file exists */
  exists: boolean;
}

/** The file of a level; throws "Not inside a DVC repo" for a repo level outside a repository. */
export function levelFile(ctx: ConfigContext, level: ConfigLevel): string {
  const file = ctx.files[level];
  if (file === undefined) {
    throw dvcError('CONFIG_OUTSIDE_REPO', 'config file error: Not inside a DVC repo', {
      hint: `run the command inside a DVC repository, or use --global / --system`,
      exitCode: EXIT.CONFIG,
      data: { level },
    });
  }
  return file;
}

/** How a config file is named in messages: relative to the root for repo levels, else absolute. */
export function displayConfigFile(ctx: ConfigContext, file: string): string {
  if (ctx.root !== undefined && (file === ctx.files.repo || file === ctx.files.local)) return relative(ctx.root, file);
  return file;
}

function configError(ctx: ConfigContext, file: string, text: string, line?: number, exitCode: number = EXIT.CONFIG): MomoError {
  const shown = displayConfigFile(ctx, file);
  const where = line === undefined ? `in '${shown}'` : `in '${shown}', line ${line}`;
  return dvcError('CONFIG_INVALID', `config file error: ${text} (${where})`, {
    hint: `fix ${line === undefined ? `'${shown}'` : `line ${line} of '${shown}'`} (DVC and momo read the same file)`,
    exitCode,
    data: { file, line },
  });
}

function readText(ctx: ConfigContext, file: string): string | undefined {
  // most levels have no file: a non-throwing stat first is much cheaper than a failed read
  if (!statSync(file, { throwIfNoEntry: false })) return undefined;
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
  const decoded = decodeUtf8(buf);
  if ('error' in decoded) throw configError(ctx, file, decoded.error);
  return decoded.text;
}

/** Records the line of every key, under the key path DVC uses after lower-casing and naming. */
function collectLines(section: IniSection, prefix: string[], out: Map<string, number>, top: boolean): void {
  for (const [key, line] of section.lines) {
    let path: string[];
    if (top && section.sections.has(key)) {
      const m = /^\s*(remote|machine|db)\s*"(.*)"\s*$/.exec(key.toLowerCase());
      path = m ? [m[1], m[2]] : [key.toLowerCase()];
    } else path = [...prefix, key.toLowerCase()];
    out.set(path.join('\0'), line);
    const sub = section.sections.get(key);
    if (sub) collectLines(sub, path, out, false);
  }
}

/** Applies `fn` to every path-valued key (DVC `Config._map_dirs`); non-string values are left alone. */
function mapPaths(tree: ConfigTree, fn: (v: string | ConfigPath) => ConfigLeaf): void {
  const apply = (section: ConfigLeaf | ConfigTree | undefined, keys: readonly string[]) => {
    if (!isTree(section)) return;
    for (const k of keys) {
      const v = section.get(k);
      if (typeof v === 'string' || v instanceof ConfigPath) section.set(k, fn(v));
    }
  };
  apply(tree.get('cache'), PATH_KEYS.cache);
  for (const kind of ['remote', 'machine'] as const) {
    const group = tree.get(kind);
    if (!isTree(group)) continue;
    for (const entry of group.values()) apply(entry, PATH_KEYS[kind]);
  }
}

/** Parses the text of one level's file (DVC `Config.load_one` after reading the file). */
function parseLevelText(ctx: ConfigContext, file: string, text: string | undefined): LevelData {
  let tree: ConfigTree = new Map();
  const lines = new Map<string, number>();
  if (text !== undefined) {
    const parsed = parseIni(text);
    if ('error' in parsed) throw configError(ctx, file, parsed.error.message, parsed.error.line);
    let plain;
    try {
      plain = iniToTree(parsed.root);
    } catch (e) {
      // configobj raises interpolation errors outside DVC's try/except: "unexpected error" (255)
      if (e instanceof IniInterpolationError) {
        const shown = displayConfigFile(ctx, file);
        throw dvcError('CONFIG_INVALID', `${e.message} (in '${shown}')`, {
          hint: `fix the %(name)s reference in '${shown}': configobj replaces it with the key of that name from the same or an enclosing section`,
          exitCode: EXIT.UNEXPECTED,
          data: { file },
        });
      }
      throw e;
    }
    tree = parseNamed(lowerKeys(plain));
    collectLines(parsed.root, [], lines, true);
    const confDir = resolve(ctx.cwd, dirname(file));
    mapPaths(tree, (v) => (typeof v === 'string' ? resolveConfigPath(v, confDir, ctx.home) : v));
  }
  for (const section of SCHEMA_SECTIONS) if (!tree.has(section)) tree.set(section, new Map());
  return { tree, lines, exists: text !== undefined };
}

/** Parses one level's file (DVC `Config.load_one`); cached per context. */
export function readLevel(ctx: ConfigContext, level: ConfigLevel): LevelData {
  const cached = ctx.cache.get(level);
  if (cached) return cached;
  const file = levelFile(ctx, level);
  const data = parseLevelText(ctx, file, readText(ctx, file));
  ctx.cache.set(level, data);
  return data;
}

/** A fresh copy of one level's tree (DVC `Config.read(level)`). */
export function loadLevel(ctx: ConfigContext, level: ConfigLevel): ConfigTree {
  return cloneTree(readLevel(ctx, level).tree);
}

/** The levels that exist in this context, in merge order. */
export function availableLevels(ctx: ConfigContext): ConfigLevel[] {
  return CONFIG_LEVELS.filter((l) => ctx.files[l] !== undefined);
}

/**
 * Merges the levels below `level` (all levels when undefined), DVC `load_config_to_level`.
 */
export function loadToLevel(ctx: ConfigContext, level?: ConfigLevel): ConfigTree {
  const merged: ConfigTree = new Map();
  for (const l of CONFIG_LEVELS) {
    if (l === level) break;
    if (ctx.files[l] !== undefined) mergeInto(merged, readLevel(ctx, l).tree);
  }
  return merged;
}

/** Finds which level (highest first) defines the failing key, for the error message. */
function originOf(ctx: ConfigContext, keys: string[], overlay?: LevelOverlay): { file: string; line?: number } | undefined {
  const levels = availableLevels(ctx).reverse();
  for (let n = keys.length; n > 0; n--) {
    const prefix = keys.slice(0, n);
    for (const level of levels) {
      const data = overlay?.level === level ? overlay.data : readLevel(ctx, level);
      const tree = data.tree;
      const v = getIn(tree, prefix);
      if (v === undefined || (isTree(v) && v.size === 0 && n < keys.length)) continue;
      const file = ctx.files[level]!;
      const line = data.lines.get(prefix.join('\0'));
      return { file, line };
    }
  }
  return undefined;
}

/**
 * Validates a merged tree (DVC `Config.validate`), turning the first schema error into a
 * CONFIG_INVALID error naming the file (and line) that holds the bad value.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  return pyStr(a) === pyStr(b);
}

/** A level's content that is about to replace what is on disk (for naming errors). */
export interface LevelOverlay {
  level: ConfigLevel;
  data: LevelData;
}

export function validateMerged(ctx: ConfigContext, tree: ConfigTree, overlay?: LevelOverlay): SchemaResult {
  try {
    return validateConfigTree(tree);
  } catch (e) {
    if (!(e instanceof SchemaInvalid)) throw e;
    const origin = originOf(ctx, e.keys(), overlay);
    const file = origin?.file ?? (overlay ? ctx.files[overlay.level]! : (ctx.files.repo ?? ctx.files.global));
    // a bad value that was already in the file on disk is reported at its line there; only a
    // value this edit introduces is reported as "after this change"
    const onDisk = overlay && readLevel(ctx, overlay.level);
    const unchanged = overlay && onDisk && sameValue(getIn(overlay.data.tree, e.keys()), getIn(onDisk.tree, e.keys()));
    if (overlay && onDisk && unchanged && file === ctx.files[overlay.level]) {
      throw configError(ctx, file, e.render(), onDisk.lines.get(e.keys().join('\0')));
    }
    if (overlay && file === ctx.files[overlay.level]) {
      const shown = displayConfigFile(ctx, file);
      throw dvcError('CONFIG_INVALID', `config file error: ${e.render()} (in '${shown}' after this change; nothing was written)`, {
        hint: 'see https://dvc.org/doc/command-reference/config for the keys and values each section accepts',
        exitCode: EXIT.CONFIG,
        data: { file },
      });
    }
    throw configError(ctx, file, e.render(), origin?.line);
  }
}

/** Converts path values back to the text DVC writes (DVC `Config._save_paths`). */
function savePaths(ctx: ConfigContext, tree: ConfigTree, file: string): ConfigTree {
  const out = cloneTree(tree);
  const confDir = dirname(file);
  mapPaths(out, (v) => relativizeConfigPath(v, confDir, ctx.cwd, ctx.home));
  return out;
}

/** Serialises a level tree as DVC writes it; refuses what configobj could not write or read back. */
export function serializeLevel(ctx: ConfigContext, tree: ConfigTree, file: string): string {
  let text: string;
  try {
    text = serializeIni(toWriteTree(packNamed(tree)));
  } catch (e) {
    if (!(e instanceof IniQuoteError)) throw e;
    // DVC crashes here ("unexpected error", 255) after truncating the file; momo refuses first
    throw dvcError('CONFIG_VALUE_UNWRITABLE', `config file error: ${e.message} ('${displayConfigFile(ctx, file)}' was not changed)`, {
      hint: "configobj cannot write this text: a name or list item may not hold both ' and \", nor a newline, and no value may hold ''' or \"\"\"",
      exitCode: EXIT.UNEXPECTED,
      data: { file, value: e.value },
    });
  }
  const nonAscii = /[^\x00-\x7f]/.exec(text);
  if (nonAscii) {
    // configobj encodes the output as ASCII: DVC fails with "'ascii' codec can't encode
    // character" after truncating the file; momo refuses before touching it.
    throw dvcError(
      'CONFIG_VALUE_UNWRITABLE',
      `config file error: '${displayConfigFile(ctx, file)}' can only hold ASCII text, but the new value contains ${JSON.stringify(nonAscii[0])} (the file was not changed)`,
      { hint: 'use an ASCII spelling of the value (DVC cannot write non-ASCII config values either)', exitCode: EXIT.UNEXPECTED, data: { file } },
    );
  }
  return text;
}

/** The outcome of one {@link editLevel}. */
export interface EditResult {
  level: ConfigLevel;
  file: string;
  /** `WARNING:` lines from validation */
  warnings: string[];
}

/**
 * Loads one level, lets `mutate` change it, validates the result merged over the lower levels,
 * and writes the file (DVC `Config.edit`, which always rewrites the file, dropping comments).
 * Nothing is written when `mutate` throws or validation fails; momo also refuses when the
 * whole config (higher levels included) would be invalid afterwards, where DVC writes first
 * and then fails.
 */
export function editLevel(ctx: ConfigContext, level: ConfigLevel, mutate: (conf: ConfigTree) => void): EditResult {
  const file = levelFile(ctx, level);
  const conf = loadLevel(ctx, level);
  mutate(conf);
  const saved = savePaths(ctx, conf, file);
  const merged = loadToLevel(ctx, level);
  mergeInto(merged, saved);
  const { warnings } = validateMerged(ctx, merged, { level, data: { tree: saved, lines: new Map(), exists: true } });
  const text = serializeLevel(ctx, saved, file);
  // DVC reloads and validates every level after saving (and fails then, with the file already
  // written): momo reads the new text back and validates the whole config before writing.
  const reread = parseLevelText(ctx, file, text);
  const after = loadToLevel(ctx, level);
  mergeInto(after, reread.tree);
  for (const l of availableLevels(ctx).slice(availableLevels(ctx).indexOf(level) + 1)) mergeInto(after, readLevel(ctx, l).tree);
  validateMerged(ctx, after, { level, data: reread });
  mkdirSync(dirname(file), { recursive: true });
  let mode: number | undefined;
  try {
    mode = statSync(file).mode & 0o7777;
  } catch {
    // new file: default permissions
  }
  writeFileAtomic(file, text, mode);
  ctx.cache.delete(level);
  return { level, file, warnings };
}

export { NAMED_SECTIONS };
