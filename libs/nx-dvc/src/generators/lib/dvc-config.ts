/**
 * `.dvc/config` edits done on text (so generators can work on Nx's Tree), with `@momo/dvc`'s
 * configobj reader and writer: the bytes are those `dvc remote add` writes.
 */
import { posix } from 'node:path';
import { parseIni, serializeIni, type IniSection, type IniTree, type IniWriteTree } from '@momo/dvc';
import { nxDvcError, EXIT } from '../../errors/nx-dvc-error.js';

/** URL schemes momo's remote drivers speak (`@momo/remotes`); local paths need none. */
export const MOMO_REMOTE_SCHEMES = ['ssh', 's3', 'http', 'https'] as const;

const SCHEME_RE = /^([a-zA-Z][\w+.-]*):\/\//;

/**
 * The `url` value DVC stores for a remote given relative to the workspace root (dvc-compat §3.3):
 * URLs, absolute and `~` paths unchanged; a relative local path rewritten relative to `.dvc/`
 * (`../store` → `../../store`), POSIX-style.
 * @throws MomoError `NX_DVC_REMOTE_URL_INVALID` for an empty URL or a scheme momo cannot talk to
 */
export function remoteUrlForConfig(url: string, configDir = '.dvc'): string {
  const trimmed = url.trim();
  if (!trimmed) {
    throw nxDvcError('NX_DVC_REMOTE_URL_INVALID', 'the remote URL is empty', { hint: 'pass a local path (/srv/dvc-store, ../store) or ssh://user@host/path', exitCode: EXIT.USAGE });
  }
  const scheme = SCHEME_RE.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme) {
    if (!(MOMO_REMOTE_SCHEMES as readonly string[]).includes(scheme)) {
      throw nxDvcError('NX_DVC_REMOTE_URL_INVALID', `remote URL '${trimmed}' uses '${scheme}://', which momo cannot talk to`, {
        hint: `use a local path or ${MOMO_REMOTE_SCHEMES.map((s) => `${s}://`).join(', ')}; other DVC remotes can be added with the Python engine (\`dvc remote add\`)`,
        exitCode: EXIT.USAGE,
        data: { url: trimmed, scheme },
      });
    }
    return trimmed;
  }
  if (trimmed.startsWith('/') || trimmed.startsWith('~')) return trimmed;
  return posix.relative(configDir, posix.normalize(trimmed.replace(/\\/g, '/'))) || '.';
}

/** Section name DVC uses for a remote in `.dvc/config`. */
export function remoteSection(name: string): string {
  return `remote "${name}"`;
}

/** A parsed section as plain maps in file order: scalars first, then subsections (configobj `dict()`). */
function toTree(sect: IniSection): IniTree {
  const out: IniTree = new Map();
  for (const [k, v] of sect.scalars) out.set(k, v);
  for (const [k, sub] of sect.sections) out.set(k, toTree(sub));
  return out;
}

function parseConfig(text: string, file: string): IniTree {
  const parsed = parseIni(text);
  if ('error' in parsed) {
    throw nxDvcError('NX_DVC_CONFIG_INVALID', `'${file}' is not a valid DVC config: ${parsed.error.message}${parsed.error.line ? ` (line ${parsed.error.line})` : ''}`, {
      hint: `fix '${file}' by hand (\`momo config -l\` shows what it reads), then run the generator again`,
      exitCode: EXIT.CONFIG,
      data: { file },
    });
  }
  return toTree(parsed.root);
}

function section(tree: IniWriteTree, name: string): IniWriteTree {
  const s = tree.get(name);
  if (s instanceof Map) return s;
  const created: IniWriteTree = new Map();
  tree.set(name, created);
  return created;
}

/**
 * Adds or updates a remote in config text, as `dvc remote add [-d] [-f] <name> <url>` would leave
 * it. Returns the text unchanged when the remote already has that URL (and is the default if asked).
 * Remote names are lower-cased like DVC's.
 * @throws MomoError `NX_DVC_CONFIG_INVALID` when the existing text does not parse
 */
export function setRemoteInConfig(options: { text: string; file?: string; name: string; url: string; makeDefault?: boolean }): string {
  const file = options.file ?? '.dvc/config';
  const tree = parseConfig(options.text, file) as IniWriteTree;
  const name = options.name.toLowerCase();
  const sect = remoteSection(name);
  const existing = tree.get(sect);
  const core = tree.get('core');
  const isDefault = core instanceof Map && core.get('remote') === name;
  if (existing instanceof Map && existing.get('url') === options.url && (!options.makeDefault || isDefault)) return options.text;
  // DVC's `remote add -d` writes core first when the file is new: Config.edit → `core` created
  // before the remote section (configobj keeps insertion order)
  if (options.makeDefault) section(tree, 'core').set('remote', name);
  section(tree, sect).set('url', options.url);
  return serializeIni(tree);
}

/** Reads `core.remote` and the remotes' URLs from config text. */
export function readRemotes(text: string, file = '.dvc/config'): { default?: string; remotes: Map<string, string> } {
  const tree = parseConfig(text, file);
  const remotes = new Map<string, string>();
  for (const [key, value] of tree) {
    const m = /^remote "(.*)"$/.exec(key);
    if (m && value instanceof Map && typeof value.get('url') === 'string') remotes.set(m[1], value.get('url') as string);
  }
  const core = tree.get('core');
  const def = core instanceof Map && typeof core.get('remote') === 'string' ? (core.get('remote') as string) : undefined;
  return def ? { default: def, remotes } : { remotes };
}

/**
 * `deployment/.dvc/config` for local-only mode (the seed's Phase 7.1, corrected the way momo's own
 * deployment/.dvc/config is): no SCM, the cache in `~/.momo/cache` (`[cache] dir`: the seed's
 * `core.cache` is not a DVC key and DVC 3 rejects it), a `local-cache` remote in `~/.momo/data`,
 * and no default remote (`remote = ""`, the seed's `remote =`): nothing leaves the machine unless
 * the user names a remote they control.
 */
export function deploymentConfig(options: { cacheDir?: string; remoteName?: string; remoteUrl?: string } = {}): string {
  const name = options.remoteName ?? 'local-cache';
  const tree: IniWriteTree = new Map<string, IniWriteTree>([
    [
      'core',
      new Map<string, string | boolean>([
        ['no_scm', true],
        ['remote', ''],
      ]) as IniWriteTree,
    ],
    ['cache', new Map([['dir', options.cacheDir ?? '~/.momo/cache']]) as IniWriteTree],
    [remoteSection(name), new Map([['url', options.remoteUrl ?? '~/.momo/data']]) as IniWriteTree],
  ]);
  return serializeIni(tree);
}
