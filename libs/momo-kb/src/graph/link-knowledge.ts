import type { FileRecord } from '../ingest/process-file.js';
import type { ModuleCandidate } from '../modules/detect-modules.js';
import type { PathAlias } from '../resolve/read-path-aliases.js';
import { createImportResolver } from '../resolve/resolve-imports.js';
import type { CodeSymbol, KbModule } from '../types.js';

/** Graph node ids: one namespace per kind. */
export const nodeId = {
  module: (name: string) => `module:${name}`,
  file: (path: string) => `file:${path}`,
  symbol: (id: string) => `symbol:${id}`,
};

/** What linking all files together yields: resolved imports, module dependencies, calls, centrality. */
export interface LinkResult {
  modules: KbModule[];
  /** file -> files it imports (resolved, inside the repo), both sorted. */
  fileImports: Map<string, string[]>;
  /** Number of distinct files importing each file. */
  fileInDegree: Map<string, number>;
  /** Resolved calls: caller (symbol or file node id) -> callee symbol node id, deduplicated, sorted. */
  callEdges: Array<{ from: string; to: string }>;
  /** Incoming references per symbol id (resolved calls + named imports). */
  symbolInDegree: Map<string, number>;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Links the parsed files: resolves every import to a file and module, derives module
 * dependencies/dependents and external packages, resolves calls to symbols through local
 * declarations, named imports (following re-exports up to 3 levels) and `this.`/`self.` members,
 * and counts incoming references for centrality. Pure over its inputs; deterministic.
 */
export function linkKnowledge(args: {
  records: Map<string, FileRecord>;
  candidates: ModuleCandidate[];
  locate: (path: string) => string;
  /** tsconfig `paths` aliases of the root. */
  aliases?: PathAlias[];
}): LinkResult {
  const { records, candidates, locate } = args;
  const paths = [...records.keys()].sort(cmp);
  const resolver = createImportResolver(paths, candidates, locate, args.aliases ?? []);
  const deps = new Map<string, Set<string>>();
  const externals = new Map<string, Set<string>>();
  const declared = new Map(candidates.map((c) => [c.name, new Set(c.declaredDependencies.map((d) => d.toLowerCase().replace(/_/g, '-')))]));
  const fileImports = new Map<string, string[]>();
  const fileInDegree = new Map<string, number>();

  for (const p of paths) {
    const r = records.get(p)!;
    const own = r.file.module;
    const targets = new Set<string>();
    for (const imp of r.parsed.imports) {
      delete imp.resolvedPath;
      delete imp.resolvedModule;
      const ext = resolver.resolve(p, r.file.language, imp);
      if (imp.resolvedPath && imp.resolvedPath !== p) targets.add(imp.resolvedPath);
      if (own && imp.resolvedModule && imp.resolvedModule !== own) {
        let s = deps.get(own);
        if (!s) deps.set(own, (s = new Set()));
        s.add(imp.resolvedModule);
      }
      if (own && ext) {
        const isPython = r.file.language === 'python';
        const norm = ext.toLowerCase().replace(/_/g, '-');
        // Python's standard library is not declared anywhere: only declared packages count as external
        if (!isPython || declared.get(own)?.has(norm)) {
          let s = externals.get(own);
          if (!s) externals.set(own, (s = new Set()));
          s.add(ext);
        }
      }
    }
    const sorted = [...targets].sort(cmp);
    fileImports.set(p, sorted);
    for (const t of sorted) fileInDegree.set(t, (fileInDegree.get(t) ?? 0) + 1);
  }

  // symbols by file for call resolution
  const topLevel = new Map<string, Map<string, CodeSymbol>>();
  const byQualified = new Map<string, Map<string, CodeSymbol>>();
  for (const p of paths) {
    const top = new Map<string, CodeSymbol>();
    const q = new Map<string, CodeSymbol>();
    for (const s of records.get(p)!.parsed.symbols) {
      if (!s.parent && !top.has(s.name)) top.set(s.name, s);
      if (!q.has(s.qualifiedName)) q.set(s.qualifiedName, s);
    }
    topLevel.set(p, top);
    byQualified.set(p, q);
  }
  const exportedFrom = (file: string, name: string, depth: number): CodeSymbol | undefined => {
    const hit = topLevel.get(file)?.get(name);
    if (hit) return hit;
    if (depth >= 3) return undefined;
    const r = records.get(file);
    if (!r) return undefined;
    for (const imp of r.parsed.imports) {
      if (imp.kind !== 'reexport' || !imp.resolvedPath) continue;
      if (imp.names.includes(name) || imp.names.includes('*')) {
        const s = exportedFrom(imp.resolvedPath, name, depth + 1);
        if (s) return s;
      }
    }
    return undefined;
  };

  const symbolInDegree = new Map<string, number>();
  const callSet = new Set<string>();
  const bump = (id: string) => symbolInDegree.set(id, (symbolInDegree.get(id) ?? 0) + 1);
  for (const p of paths) {
    const r = records.get(p)!;
    const imported = new Map<string, CodeSymbol>();
    for (const imp of r.parsed.imports) {
      if (!imp.resolvedPath) continue;
      for (const n of imp.names) {
        if (n === '*' || n === 'default') continue;
        const s = exportedFrom(imp.resolvedPath, n, 0);
        if (s) {
          imported.set(n, s);
          bump(s.id);
        }
      }
    }
    const local = topLevel.get(p)!;
    const quals = byQualified.get(p)!;
    for (const c of r.parsed.calls) {
      const segs = c.callee.split('.');
      let target: CodeSymbol | undefined;
      if ((segs[0] === 'this' || segs[0] === 'self') && segs.length === 2 && c.caller) {
        const callerSym = quals.get(c.caller);
        const cls = callerSym?.parent;
        if (cls) target = quals.get(`${cls}.${segs[1]}`);
      } else if (segs.length === 1) {
        target = local.get(segs[0]) ?? imported.get(segs[0]);
      } else {
        // `Imported.member(...)`: a static member of an imported or local class
        const head = local.get(segs[0]) ?? imported.get(segs[0]);
        if (head && segs.length === 2) target = byQualified.get(head.path)?.get(`${head.qualifiedName}.${segs[1]}`) ?? head;
      }
      if (!target) continue;
      const from = c.caller ? quals.get(c.caller) : undefined;
      const fromId = from ? nodeId.symbol(from.id) : nodeId.file(p);
      const toId = nodeId.symbol(target.id);
      if (fromId === toId) continue;
      const key = `${fromId}\u0000${toId}`;
      if (callSet.has(key)) continue;
      callSet.add(key);
      bump(target.id);
    }
  }
  const callEdges = [...callSet]
    .sort(cmp)
    .map((k) => {
      const [from, to] = k.split('\u0000');
      return { from, to };
    });

  // modules
  const filesByModule = new Map<string, string[]>();
  for (const p of paths) {
    const m = records.get(p)!.file.module;
    if (!m) continue;
    let l = filesByModule.get(m);
    if (!l) filesByModule.set(m, (l = []));
    l.push(p);
  }
  const dependents = new Map<string, Set<string>>();
  for (const [m, ds] of deps) for (const d of ds) {
    let s = dependents.get(d);
    if (!s) dependents.set(d, (s = new Set()));
    s.add(m);
  }
  const modules: KbModule[] = [...candidates]
    .sort((a, b) => cmp(a.name, b.name))
    .map((c) => {
      const files = filesByModule.get(c.name) ?? [];
      const langCount = new Map<string, number>();
      for (const f of files) {
        const l = records.get(f)!.file.language;
        if (l !== 'markdown') langCount.set(l === 'javascript' ? 'typescript' : l, (langCount.get(l === 'javascript' ? 'typescript' : l) ?? 0) + 1);
      }
      let language: KbModule['language'] = files.length ? 'markdown' : 'unknown';
      const ranked = [...langCount.entries()].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]));
      if (ranked.length === 1) language = ranked[0][0] as KbModule['language'];
      else if (ranked.length > 1) language = ranked[1][1] >= 0.2 * (ranked[0][1] + ranked[1][1]) ? 'mixed' : (ranked[0][0] as KbModule['language']);
      if (ranked.length === 1 && ranked[0][0] === 'typescript') {
        language = files.some((f) => records.get(f)!.file.language === 'typescript') ? 'typescript' : 'javascript';
      }
      return {
        name: c.name,
        root: c.root,
        kind: c.kind,
        source: c.source,
        language,
        description: c.description,
        aliases: c.aliases,
        files,
        dependencies: [...(deps.get(c.name) ?? [])].sort(cmp),
        dependents: [...(dependents.get(c.name) ?? [])].sort(cmp),
        externalDependencies: [...(externals.get(c.name) ?? [])].sort(cmp),
        declaredDependencies: c.declaredDependencies,
        entryPoints: c.entries,
      };
    });
  return { modules, fileImports, fileInDegree, callEdges, symbolInDegree };
}
