import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import {
  BINARY_EXTENSIONS,
  GENERATED_DIRS,
  GENERATED_FILES,
  INTERNAL_DIRS,
  VENDORED_DIRS,
} from '../constants.js';
import type { KbLanguage, SkipReason, SkipReport } from '../types.js';
import { extensionOf, languageOf } from './language.js';

/** Files that describe modules; collected even when the KB does not index them. */
export const MANIFEST_NAMES = new Set(['package.json', 'project.json', 'pyproject.toml', 'momo.md', 'README.md', 'readme.md', 'README.rst', 'setup.cfg']);

export interface WalkRepoOptions {
  /** Absolute directory to walk. */
  root: string;
  /** Sub-directory (repo-relative) to restrict the walk to; '' walks everything. */
  under?: string;
  /** Files larger than this are skipped as `huge`. */
  maxFileBytes: number;
  /** Walk into vendored directories (node_modules, vendor, .venv, ...). @default false */
  includeVendored?: boolean;
  /** Walk into generated directories (dist, build, __pycache__, ...). @default false */
  includeGenerated?: boolean;
  /** Only keep files of these languages; the rest count as `unsupported`. @default all */
  languages?: KbLanguage[];
  /** Repo-relative paths (files or directories) that are neither walked nor counted, e.g. the output directory. */
  exclude?: string[];
}

/** A file the walk kept. */
export interface WalkedFile {
  /** Repo-relative POSIX path. */
  path: string;
  abs: string;
  size: number;
  language: KbLanguage;
}

export interface WalkRepoResult {
  /** Files to index, sorted by path. */
  files: WalkedFile[];
  /** Repo-relative paths of module manifests (package.json, project.json, pyproject.toml, momo.md, README). */
  manifests: string[];
  skipped: SkipReport;
}

interface IgnoreLayer {
  /** Repo-relative directory of the ignore file, '' for the root, else ending in '/'. */
  base: string;
  ig: Ignore;
}

/** A fresh, empty skip report. */
export function emptySkipReport(): SkipReport {
  const reasons: SkipReason[] = ['ignored', 'vendored', 'generated', 'binary', 'huge', 'unsupported'];
  return {
    counts: Object.fromEntries(reasons.map((r) => [r, 0])) as Record<SkipReason, number>,
    examples: Object.fromEntries(reasons.map((r) => [r, []])) as unknown as Record<SkipReason, string[]>,
  };
}

/** Records one skipped path (directories count once, as the directory). */
export function recordSkip(report: SkipReport, reason: SkipReason, path: string): void {
  report.counts[reason]++;
  const ex = report.examples[reason];
  if (ex.length < 20) ex.push(path);
}

function loadIgnoreFile(dirAbs: string, base: string, name: string): IgnoreLayer | undefined {
  const p = join(dirAbs, name);
  if (!existsSync(p)) return undefined;
  const ig = ignore({ allowRelativePaths: true }).add(readFileSync(p, 'utf8'));
  return { base, ig };
}

function isIgnored(layers: IgnoreLayer[], rel: string, isDir: boolean): boolean {
  // Deeper ignore files win over shallower ones, as in git: the last layer with an opinion decides.
  let ignored = false;
  for (const layer of layers) {
    if (layer.base && !rel.startsWith(layer.base)) continue;
    const sub = rel.slice(layer.base.length) + (isDir ? '/' : '');
    const t = layer.ig.test(sub);
    if (t.ignored) ignored = true;
    else if (t.unignored) ignored = false;
  }
  return ignored;
}

/**
 * Walks a repository, honouring `.gitignore` and `.dvcignore` in every directory, and skipping
 * vendored, generated, binary, huge and unsupported files (each counted with a reason).
 * Binary content (a NUL byte in the first 8 KiB) is detected later, when the file is read.
 */
export function walkRepo(options: WalkRepoOptions): WalkRepoResult {
  const files: WalkedFile[] = [];
  const manifests: string[] = [];
  const skipped = emptySkipReport();
  const rootLayers: IgnoreLayer[] = [];
  for (const name of ['.gitignore', '.dvcignore']) {
    const l = loadIgnoreFile(options.root, '', name);
    if (l) rootLayers.push(l);
  }
  const under = (options.under ?? '').replace(/\/+$/, '');
  // When walking a sub-directory, the ignore files of its ancestors (and its own) still apply.
  let layers = rootLayers;
  let startRel = '';
  if (under) {
    const parts = under.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      for (const name of ['.gitignore', '.dvcignore']) {
        const l = loadIgnoreFile(join(options.root, rel), `${rel}/`, name);
        if (l) layers = layers.concat(l);
      }
    }
    startRel = `${under}/`;
  }
  walkDir(options, join(options.root, under), startRel, layers, files, manifests, skipped, under !== '');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  manifests.sort();
  return { files, manifests, skipped };
}

function walkDir(
  options: WalkRepoOptions,
  dirAbs: string,
  dirRel: string,
  parentLayers: IgnoreLayer[],
  files: WalkedFile[],
  manifests: string[],
  skipped: SkipReport,
  layersLoaded: boolean,
): void {
  let layers = parentLayers;
  if (dirRel && !layersLoaded) {
    const added: IgnoreLayer[] = [];
    for (const name of ['.gitignore', '.dvcignore']) {
      const l = loadIgnoreFile(dirAbs, dirRel, name);
      if (l) added.push(l);
    }
    if (added.length) layers = parentLayers.concat(added);
  }
  let entries;
  try {
    entries = readdirSync(dirAbs, { withFileTypes: true });
  } catch {
    // an unreadable directory (permissions, removed mid-walk) is simply not indexed
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const name = e.name;
    const rel = dirRel + name;
    if (options.exclude && options.exclude.includes(rel)) continue;
    if (e.isDirectory()) {
      if (INTERNAL_DIRS.has(name)) continue;
      if (isIgnored(layers, rel, true)) {
        recordSkip(skipped, 'ignored', `${rel}/`);
        continue;
      }
      if (!options.includeVendored && VENDORED_DIRS.has(name)) {
        recordSkip(skipped, 'vendored', `${rel}/`);
        continue;
      }
      // momo's own artifacts (an earlier export inside the root) are output, not input: not even counted
      if (isMomoArtifactDir(join(dirAbs, name))) continue;
      if (!options.includeGenerated && GENERATED_DIRS.has(name)) {
        recordSkip(skipped, 'generated', `${rel}/`);
        continue;
      }
      walkDir(options, join(dirAbs, name), `${rel}/`, layers, files, manifests, skipped, false);
      continue;
    }
    if (!e.isFile()) continue;
    if (isIgnored(layers, rel, false)) {
      recordSkip(skipped, 'ignored', rel);
      continue;
    }
    if (MANIFEST_NAMES.has(name)) manifests.push(rel);
    const ext = extensionOf(name);
    if (BINARY_EXTENSIONS.has(ext)) {
      recordSkip(skipped, 'binary', rel);
      continue;
    }
    if (GENERATED_FILES.has(name) || /\.min\.[cm]?js$|\.bundle\.[cm]?js$|\.map$/.test(name)) {
      recordSkip(skipped, 'generated', rel);
      continue;
    }
    const language = languageOf(name);
    if (!language || (options.languages && !options.languages.includes(language))) {
      recordSkip(skipped, 'unsupported', rel);
      continue;
    }
    const abs = join(dirAbs, name);
    const size = statSync(abs).size;
    if (size > options.maxFileBytes) {
      recordSkip(skipped, 'huge', rel);
      continue;
    }
    files.push({ path: rel, abs, size, language });
  }
}

/**
 * True when the directory holds an artifact momo wrote (a `manifest.json` whose `format` starts
 * with `momo-`: knowledge base, vectors, graphs, documents), so a re-run never ingests its own output.
 */
export function isMomoArtifactDir(dirAbs: string): boolean {
  const p = join(dirAbs, 'manifest.json');
  if (!existsSync(p)) return false;
  try {
    const head = readFileSync(p, 'utf8').slice(0, 4096);
    return /"format"\s*:\s*"momo-/.test(head);
  } catch {
    // unreadable manifest: not ours to judge, walk the directory
    return false;
  }
}

/** True when the buffer looks binary (a NUL byte in its first 8 KiB), as git decides. */
export function isBinaryContent(buf: Buffer): boolean {
  const n = Math.min(buf.length, 8192);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

/** True when the first lines mark the file as generated (`@generated`, `DO NOT EDIT`). */
export function isGeneratedContent(text: string): boolean {
  const head = text.slice(0, 600);
  return /@generated\b|\bDO NOT EDIT\b|auto-generated by|autogenerated by/i.test(head);
}
