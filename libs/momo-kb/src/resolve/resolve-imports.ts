import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import type { ImportRef, KbLanguage } from '../types.js';
import { expandPathAlias, type PathAlias } from './read-path-aliases.js';

const TS_EXTS = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const JS_TO_TS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.d.ts'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts', '.d.mts'],
  '.cjs': ['.cts', '.d.cts'],
};
const NODE_BUILTINS = new Set(builtinModules);

/** What the resolver knows about one module. */
export interface ResolverModule {
  name: string;
  root: string;
  /** Published names (npm name, Python distribution name). */
  aliases: string[];
  /** Declared entry points (repo-relative, as written in package.json). */
  entries: string[];
}

export interface ImportResolver {
  /** Fills `resolvedPath` / `resolvedModule` of an import of `fromPath`; returns the external package name when it is one. */
  resolve(fromPath: string, language: KbLanguage, ref: ImportRef): string | undefined;
}

function normalize(p: string): string {
  const n = posix.normalize(p);
  return n === '.' ? '' : n.replace(/^\.\//, '');
}

/** The npm package name of a bare specifier (`@scope/name/sub` → `@scope/name`). */
export function packageNameOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Builds a resolver over the set of repo files. TypeScript/JavaScript specifiers resolve like
 * NodeNext/bundler resolution (relative paths with `.js`→`.ts` mapping, extensions, index files;
 * bare specifiers through workspace package names and their entry points, `dist/` mapped back to
 * `src/`). Python imports resolve relative (`from .x import y`) and absolute dotted names through
 * the package layout (`__init__.py` chains, `src/` layouts). Markdown links resolve to files.
 * Bare TypeScript specifiers go through the root tsconfig `paths` aliases first.
 */
export function createImportResolver(
  files: Iterable<string>,
  modules: ResolverModule[],
  locate: (path: string) => string,
  aliases: PathAlias[] = [],
): ImportResolver {
  const fileSet = new Set(files);
  const aliasToModule = new Map<string, ResolverModule>();
  for (const m of modules) {
    for (const a of m.aliases) aliasToModule.set(a, m);
    aliasToModule.set(m.name, m);
  }
  // Python: dotted module name -> file
  const pyIndex = new Map<string, string>();
  const dirs = new Set<string>();
  for (const f of fileSet) dirs.add(posix.dirname(f));
  const isPackageDir = (d: string) => fileSet.has(`${d}/__init__.py`) || fileSet.has(`${d}/__init__.pyi`);
  const pyNames = new Map<string, string[]>();
  for (const f of fileSet) {
    if (!/\.pyi?$/.test(f)) continue;
    const stem = f.replace(/\.pyi?$/, '');
    const parts = stem.split('/');
    const isInit = parts[parts.length - 1] === '__init__';
    if (isInit) parts.pop();
    // climb while the parent directory is a package
    let top = isInit ? parts.length - 1 : parts.length - 1;
    while (top > 0 && isPackageDir(parts.slice(0, top).join('/'))) top--;
    const names = new Set<string>();
    names.add(parts.slice(top).join('.'));
    // src-layout and namespace packages: also relative to the owning module root and its src/
    const owner = modules.find((m) => m.name === locate(f));
    if (owner) {
      for (const base of [owner.root, owner.root ? `${owner.root}/src` : 'src']) {
        const prefix = base ? `${base}/` : '';
        if (stem.startsWith(prefix)) {
          const rel = (isInit ? parts.join('/') : stem).slice(prefix.length);
          if (rel) names.add(rel.split('/').join('.'));
        }
      }
    }
    for (const n of names) {
      if (!n) continue;
      // a module file wins over a same-named package __init__ only if seen first in sorted order
      if (!pyIndex.has(n)) pyIndex.set(n, f);
    }
    pyNames.set(f, [...names]);
  }

  const tryTsFile = (base: string): string | undefined => {
    if (fileSet.has(base)) return base;
    const ext = posix.extname(base);
    const swaps = JS_TO_TS[ext];
    if (swaps) {
      const stem = base.slice(0, -ext.length);
      for (const s of swaps) if (fileSet.has(stem + s)) return stem + s;
    }
    for (const e of TS_EXTS) if (fileSet.has(base + e)) return base + e;
    for (const e of TS_EXTS) if (fileSet.has(`${base}/index${e}`)) return `${base}/index${e}`;
    return undefined;
  };

  const entryOf = (m: ResolverModule): string | undefined => {
    for (const e of m.entries) {
      const direct = tryTsFile(normalize(e));
      if (direct) return direct;
      // built entry (dist/index.js) -> source (src/index.ts)
      const srcGuess = normalize(e).replace(/(^|\/)(dist|build|lib|out)\//, '$1src/').replace(/\.d\.ts$/, '.ts');
      const mapped = tryTsFile(srcGuess);
      if (mapped) return mapped;
    }
    const r = m.root ? `${m.root}/` : '';
    for (const guess of [`${r}src/index`, `${r}index`, `${r}src/main`, `${r}lib/index`]) {
      const hit = tryTsFile(guess);
      if (hit) return hit;
    }
    return undefined;
  };

  /** `from <dir> import name`: the first name that is a module (`name.py`) or a package (`name/__init__.py`) in dir. */
  const submodule = (dir: string, names: string[]): string | undefined => {
    for (const n of names) {
      const base = dir ? `${dir}/${n}` : n;
      for (const c of [`${base}.py`, `${base}.pyi`, `${base}/__init__.py`, `${base}/__init__.pyi`]) {
        const p = normalize(c);
        if (fileSet.has(p)) return p;
      }
    }
    return undefined;
  };

  const resolvePython = (fromPath: string, ref: ImportRef): string | undefined => {
    const spec = ref.specifier;
    if (spec.startsWith('.')) {
      const dots = spec.match(/^\.+/)![0].length;
      let base = posix.dirname(fromPath);
      for (let i = 1; i < dots; i++) base = posix.dirname(base);
      if (base === '.') base = '';
      const rest = spec.slice(dots).split('.').filter(Boolean).join('/');
      const target = rest ? (base ? `${base}/${rest}` : rest) : base;
      for (const c of [`${target}.py`, `${target}.pyi`, `${target}/__init__.py`, `${target}/__init__.pyi`]) {
        if (fileSet.has(normalize(c))) {
          // `from . import sibling`: the name itself may be a submodule
          if (!rest) {
            const sub = submodule(target, ref.names);
            if (sub) return sub;
          }
          return normalize(c);
        }
      }
      if (!rest) return submodule(target, ref.names);
      return undefined;
    }
    const parts = spec.split('.');
    // `from pkg.mod import name` where name is a submodule
    for (const n of ref.names) {
      const hit = pyIndex.get(`${spec}.${n}`);
      if (hit && n !== '*') return hit;
    }
    for (let i = parts.length; i > 0; i--) {
      const hit = pyIndex.get(parts.slice(0, i).join('.'));
      if (hit) return hit;
    }
    return undefined;
  };

  return {
    resolve(fromPath, language, ref) {
      const spec = ref.specifier;
      let resolvedPath: string | undefined;
      let resolvedModule: string | undefined;
      let external: string | undefined;
      if (language === 'python') {
        resolvedPath = resolvePython(fromPath, ref);
        if (!resolvedPath && !spec.startsWith('.')) {
          const top = spec.split('.')[0];
          const m = aliasToModule.get(top) ?? aliasToModule.get(top.replace(/_/g, '-'));
          if (m) resolvedModule = m.name;
          else external = top;
        }
      } else if (language === 'markdown') {
        const target = normalize(posix.join(posix.dirname(fromPath), spec));
        if (fileSet.has(target)) resolvedPath = target;
        else {
          const m = modules.find((x) => x.root === target.replace(/\/$/, ''));
          if (m) resolvedModule = m.name;
        }
      } else if (spec.startsWith('.') || spec.startsWith('/')) {
        resolvedPath = tryTsFile(normalize(posix.join(posix.dirname(fromPath), spec)));
      } else if (!spec.startsWith('node:') && !NODE_BUILTINS.has(spec)) {
        const pkg = packageNameOf(spec);
        const m = aliasToModule.get(pkg);
        // tsconfig `paths` first: Nx libraries are often imported by an alias with no package.json
        for (const target of expandPathAlias(aliases, spec)) {
          resolvedPath = tryTsFile(normalize(target));
          if (resolvedPath) break;
        }
        if (resolvedPath) {
          // resolved through a path alias; the module follows from the file
        } else if (m) {
          resolvedModule = m.name;
          const sub = spec.slice(pkg.length).replace(/^\//, '');
          if (sub) {
            const r = m.root ? `${m.root}/` : '';
            resolvedPath = tryTsFile(`${r}${sub}`) ?? tryTsFile(`${r}src/${sub}`) ?? tryTsFile(`${r}${sub.replace(/^(dist|build|lib)\//, 'src/')}`);
          } else resolvedPath = entryOf(m);
        } else external = pkg;
      }
      if (resolvedPath) {
        ref.resolvedPath = resolvedPath;
        resolvedModule ??= locate(resolvedPath) || undefined;
      }
      if (resolvedModule) ref.resolvedModule = resolvedModule;
      return external;
    },
  };
}
