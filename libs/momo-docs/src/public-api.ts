import type { CodeSymbol, ImportRef, KbModule } from '@momo/kb';

/** The parts of a knowledge-base file record the public-API walk needs. */
export interface ApiFile {
  path: string;
  imports: ImportRef[];
}

/** Result of {@link computePublicApi}. */
export interface PublicApi {
  /** Entry files the API was read from (repo-relative), empty when the module declares none. */
  entries: string[];
  /** Top-level public symbols, sorted by path then line. */
  symbols: CodeSymbol[];
}

const TEST_FILE = /(^|\/)(__tests__|__fixtures__|__mocks__|tests?|e2e)\/|\.(spec|test)\.[cm]?[jt]sx?$|(^|\/)test_[^/]*\.py$|_test\.py$/;

/** True for test, fixture and mock files, which are never part of a module's public API. */
export function isTestPath(path: string): boolean {
  return TEST_FILE.test(path);
}

/**
 * Source files a package entry point stands for: `dist/index.js` and `dist/index.d.ts` are built from
 * `src/index.ts` (or `index.ts` when `src/` is the build root, as in `dist/src/index.js`).
 */
export function entrySourceCandidates(entry: string): string[] {
  const stem = entry.replace(/\.d\.[cm]?ts$/, '').replace(/\.[cm]?[jt]sx?$/, '');
  const out: string[] = [];
  const bases = [stem];
  if (stem.includes('/dist/')) bases.push(stem.replace('/dist/', '/src/'), stem.replace('/dist/', '/'));
  if (stem.startsWith('dist/')) bases.push(`src/${stem.slice(5)}`, stem.slice(5));
  for (const b of bases) for (const ext of ['.ts', '.tsx', '.mts', '.js', '.mjs']) out.push(`${b}${ext}`);
  return out;
}

function isTopLevelApi(s: CodeSymbol): boolean {
  return s.exported && s.parent === undefined && s.kind !== 'section';
}

/**
 * The module's public API: when its manifest names entry points (package.json `main`/`exports`),
 * the symbols those entry files export, following `export ... from` re-exports inside the module
 * (named ones by name, `export *` wholly); otherwise every exported top-level symbol of its
 * non-test files (Python modules: names without a leading underscore).
 */
export function computePublicApi(module: KbModule, files: Map<string, ApiFile>, symbolsByPath: Map<string, CodeSymbol[]>): PublicApi {
  const own = new Set(module.files);
  const entries: string[] = [];
  for (const e of module.entryPoints) {
    for (const c of entrySourceCandidates(e)) {
      if (own.has(c) && !entries.includes(c)) {
        entries.push(c);
        break;
      }
    }
  }
  const picked = new Map<string, CodeSymbol>();
  const add = (s: CodeSymbol) => picked.set(s.id, s);
  if (!entries.length) {
    for (const p of module.files) if (!isTestPath(p)) for (const s of symbolsByPath.get(p) ?? []) if (isTopLevelApi(s)) add(s);
  } else {
    const visitedAll = new Set<string>();
    const visitedName = new Set<string>();
    const reexports = (p: string) => (files.get(p)?.imports ?? []).filter((i) => i.kind === 'reexport' && i.resolvedPath && own.has(i.resolvedPath));
    const resolveName = (p: string, name: string): void => {
      const key = `${p}\0${name}`;
      if (visitedName.has(key)) return;
      visitedName.add(key);
      const hit = (symbolsByPath.get(p) ?? []).find((s) => isTopLevelApi(s) && s.name === name);
      if (hit) {
        add(hit);
        return;
      }
      for (const r of reexports(p)) if (r.names.includes(name) || r.names.includes('*')) resolveName(r.resolvedPath!, name);
    };
    const exportAll = (p: string): void => {
      if (visitedAll.has(p)) return;
      visitedAll.add(p);
      for (const s of symbolsByPath.get(p) ?? []) if (isTopLevelApi(s)) add(s);
      for (const r of reexports(p)) {
        if (r.names.includes('*')) exportAll(r.resolvedPath!);
        else for (const n of r.names) resolveName(r.resolvedPath!, n);
      }
    };
    for (const e of entries) exportAll(e);
  }
  const symbols = [...picked.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine || (a.id < b.id ? -1 : 1)));
  return { entries, symbols };
}
