import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KbModule, ModuleSource } from '../types.js';

/** Directory names whose direct children (or grandchildren) are modules even with only a README. */
const MODULE_CONTAINERS = new Set(['libs', 'apps', 'packages', 'services', 'modules', 'tools', 'plugins']);

export interface DetectModulesOptions {
  /** Absolute repo root. */
  root: string;
  /** Repo-relative manifest paths from the walk. */
  manifests: string[];
}

/** Facts read from a module's manifests, before files are assigned. */
export interface ModuleCandidate {
  name: string;
  root: string;
  kind: KbModule['kind'];
  source: ModuleSource;
  description: string;
  aliases: string[];
  /** Entry points declared by package.json (`exports["."]`, `types`, `main`), repo-relative, as written. */
  entries: string[];
  /** Dependencies declared by the manifest (npm and Python distribution names). */
  declaredDependencies: string[];
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function baseOf(dir: string): string {
  const i = dir.lastIndexOf('/');
  return i < 0 ? dir : dir.slice(i + 1);
}

function readJson(abs: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(abs, 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    // a broken manifest does not stop ingestion; the directory is still a module by its name
    return undefined;
  }
}

/** First paragraph of a Markdown file (skipping headings, badges and front matter). */
export function firstParagraph(text: string): string {
  const body = text.replace(/^---\n[\s\S]*?\n---\n/, '');
  for (const block of body.split(/\n\s*\n/)) {
    const t = block.trim();
    if (!t || t.startsWith('#') || t.startsWith('[![') || t.startsWith('<') || t.startsWith('```')) continue;
    return t.replace(/\s+/g, ' ').slice(0, 500);
  }
  return '';
}

/** Reads the `[project]` (PEP 621) or `[tool.poetry]` name, description and dependencies of a pyproject.toml. */
export function parsePyproject(text: string): { name?: string; description?: string; dependencies: string[] } {
  let section = '';
  const out: { name?: string; description?: string; dependencies: string[] } = { dependencies: [] };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const sec = line.match(/^\[([^\]]+)\]$/);
    if (sec) {
      section = sec[1].trim();
      continue;
    }
    if (section !== 'project' && section !== 'tool.poetry' && section !== 'tool.poetry.dependencies') continue;
    if (section === 'tool.poetry.dependencies') {
      const dep = line.match(/^([A-Za-z0-9_.-]+)\s*=/);
      if (dep && dep[1] !== 'python') out.dependencies.push(dep[1]);
      continue;
    }
    const kv = line.match(/^(name|description)\s*=\s*["']([^"']*)["']/);
    if (kv) {
      if (kv[1] === 'name' && out.name === undefined) out.name = kv[2];
      if (kv[1] === 'description' && out.description === undefined) out.description = kv[2];
      continue;
    }
    if (/^dependencies\s*=\s*\[/.test(line)) {
      let block = line.slice(line.indexOf('[') + 1);
      while (!block.includes(']') && i + 1 < lines.length) block += ` ${lines[++i]}`;
      for (const m of block.matchAll(/["']([A-Za-z0-9_.-]+)/g)) out.dependencies.push(m[1]);
    }
  }
  return out;
}

function packageEntries(pkg: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') for (const k of ['types', 'import', 'default', 'require', 'node']) add((v as Record<string, unknown>)[k]);
  };
  const exp = pkg.exports;
  if (typeof exp === 'string') add(exp);
  else if (exp && typeof exp === 'object') add((exp as Record<string, unknown>)['.'] ?? exp);
  add(pkg.types);
  add(pkg.typings);
  add(pkg.module);
  add(pkg.main);
  return out;
}

/**
 * Detects modules from manifests: Nx `project.json`, `package.json`, `pyproject.toml`, and
 * directories with a `momo.md` (or, under libs/apps/packages, a README). Manifests in one directory
 * merge into one module; the name comes from project.json, then package.json, then pyproject.toml,
 * then the directory name. A root `package.json` that declares workspaces is the monorepo, not a module.
 */
export function detectModules(options: DetectModulesOptions): ModuleCandidate[] {
  const byDir = new Map<string, string[]>();
  for (const m of options.manifests) {
    const d = dirOf(m);
    let list = byDir.get(d);
    if (!list) byDir.set(d, (list = []));
    list.push(baseOf(m));
  }
  const out: ModuleCandidate[] = [];
  for (const [dir, names] of [...byDir.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const has = (n: string) => names.includes(n);
    const abs = (n: string) => join(options.root, dir, n);
    let name: string | undefined;
    let source: ModuleSource | undefined;
    let description = '';
    let kind: KbModule['kind'] = 'package';
    const aliases = new Set<string>();
    const entries: string[] = [];
    const declared = new Set<string>();
    if (has('project.json')) {
      const pj = readJson(abs('project.json'));
      if (pj) {
        name = typeof pj.name === 'string' ? pj.name : baseOf(dir);
        source = 'nx';
        kind = pj.projectType === 'application' ? 'app' : 'lib';
        aliases.add(name);
      }
    }
    if (has('package.json')) {
      const pkg = readJson(abs('package.json'));
      const isWorkspaceRoot = dir === '' && pkg && (pkg.workspaces !== undefined || has('nx.json'));
      if (pkg && !isWorkspaceRoot) {
        const pname = typeof pkg.name === 'string' ? pkg.name : undefined;
        if (pname) aliases.add(pname);
        if (!name) {
          name = pname ?? baseOf(dir);
          source = 'package.json';
        }
        if (!description && typeof pkg.description === 'string') description = pkg.description;
        entries.push(...packageEntries(pkg).map((e) => (dir ? `${dir}/${e.replace(/^\.\//, '')}` : e.replace(/^\.\//, ''))));
        for (const field of ['dependencies', 'peerDependencies', 'devDependencies', 'optionalDependencies']) {
          const deps = pkg[field];
          if (deps && typeof deps === 'object') for (const d of Object.keys(deps)) declared.add(d);
        }
      }
    }
    if (has('pyproject.toml')) {
      let text = '';
      try {
        text = readFileSync(abs('pyproject.toml'), 'utf8');
      } catch {
        // unreadable pyproject: the directory is still a module by its name
      }
      const py = parsePyproject(text);
      if (py.name) aliases.add(py.name);
      if (!name) {
        name = py.name ?? baseOf(dir);
        source = 'pyproject.toml';
      }
      if (!description && py.description) description = py.description;
      for (const d of py.dependencies) declared.add(d);
    }
    for (const md of ['momo.md', 'README.md', 'readme.md']) {
      if (!has(md)) continue;
      const isMomo = md === 'momo.md';
      const parent = baseOf(dirOf(dir));
      const grand = baseOf(dirOf(dirOf(dir)));
      const inContainer = dir !== '' && (MODULE_CONTAINERS.has(parent) || MODULE_CONTAINERS.has(grand));
      if (!name && (isMomo || inContainer)) {
        name = baseOf(dir) || 'root';
        source = isMomo ? 'momo.md' : 'readme';
      }
      if (name && !description) {
        try {
          description = firstParagraph(readFileSync(abs(md), 'utf8'));
        } catch {
          // unreadable README: no description
        }
      }
    }
    if (!name || !source) continue;
    if (kind === 'package' && (dir.startsWith('apps/') || dir.includes('/apps/'))) kind = 'app';
    else if (kind === 'package' && (dir.startsWith('libs/') || dir.includes('/libs/'))) kind = 'lib';
    out.push({
      name,
      root: dir,
      kind,
      source,
      description,
      aliases: [...aliases].sort(),
      entries,
      declaredDependencies: [...declared].sort(),
    });
  }
  // two directories may claim one name (copies, fixtures): the shallower keeps it, others get their path
  const seen = new Set<string>();
  for (const m of [...out].sort((a, b) => a.root.split('/').length - b.root.split('/').length || (a.root < b.root ? -1 : 1))) {
    if (seen.has(m.name)) m.name = m.root;
    seen.add(m.name);
  }
  return out;
}

/** The module whose root is the deepest prefix of `path` ('' when none). */
export function createModuleLocator(modules: Array<{ name: string; root: string }>): (path: string) => string {
  const roots = [...modules].sort((a, b) => b.root.length - a.root.length);
  const cache = new Map<string, string>();
  return (path: string) => {
    const dir = dirOf(path);
    const hit = cache.get(dir);
    if (hit !== undefined) return hit;
    let found = '';
    for (const m of roots) {
      if (m.root === '' || dir === m.root || dir.startsWith(`${m.root}/`)) {
        found = m.name;
        break;
      }
    }
    cache.set(dir, found);
    return found;
  };
}
