/** Languages the knowledge base parses; everything else is skipped as `unsupported`. */
export type KbLanguage = 'typescript' | 'javascript' | 'python' | 'markdown';

/** What a symbol is. Markdown headings are `section`s. */
export type SymbolKind =
  | 'function'
  | 'class'
  | 'method'
  | 'constructor'
  | 'property'
  | 'interface'
  | 'type'
  | 'enum'
  | 'variable'
  | 'namespace'
  | 'section';

/** A named declaration found in a file. Lines are 1-based and inclusive. */
export interface CodeSymbol {
  /** Stable id: `<path>#<qualifiedName>` (a `~N` suffix separates same-named overloads). */
  id: string;
  name: string;
  /** Dotted name including enclosing classes/namespaces, e.g. `Repo.pull`. */
  qualifiedName: string;
  kind: SymbolKind;
  /** Repo-relative POSIX path of the file. */
  path: string;
  /** Declaration head without the body, e.g. `function load(dir: string): Promise<Repo>`. */
  signature: string;
  /** Doc comment text (JSDoc/TSDoc or Python docstring) with comment markers removed; '' when none. */
  doc: string;
  /** True when the symbol is part of the file's public surface (exported / not `_`-prefixed). */
  exported: boolean;
  startLine: number;
  endLine: number;
  /** First line of the doc comment (and decorators) before `startLine`, when there are any. */
  docStartLine?: number;
  /** Qualified name of the enclosing symbol, if any. */
  parent?: string;
}

/** How an import was written. */
export type ImportKind = 'static' | 'type' | 'dynamic' | 'require' | 'reexport';

/** One import statement. `resolvedPath`/`resolvedModule` are filled in after all files are known. */
export interface ImportRef {
  /** The specifier as written (`./repo.js`, `@momo/errors`, `.utils`, `os.path`). */
  specifier: string;
  /** Imported binding names (`*` for a namespace import, `default` for a default import). */
  names: string[];
  kind: ImportKind;
  line: number;
  /** Repo-relative file the specifier resolves to, when it is inside the repo. */
  resolvedPath?: string;
  /** Module (project) the specifier resolves to, when known. */
  resolvedModule?: string;
}

/** One call expression. */
export interface CallRef {
  /** Callee as written, e.g. `load`, `repo.pull`, `os.path.join`. */
  callee: string;
  line: number;
  /** Qualified name of the symbol whose body holds the call; absent at top level. */
  caller?: string;
}

/** A syntax problem found while parsing; the file is still indexed with what could be read. */
export interface ParseProblem {
  line: number;
  message: string;
}

/** Everything the parser extracted from one file. */
export interface ParsedFile {
  path: string;
  language: KbLanguage;
  symbols: CodeSymbol[];
  imports: ImportRef[];
  calls: CallRef[];
  problems: ParseProblem[];
}

/** A file in the knowledge base. */
export interface KbFile {
  path: string;
  language: KbLanguage;
  /** sha256 of the content, hex. */
  hash: string;
  size: number;
  lines: number;
  /** Module the file belongs to ('' when it lies outside every detected module). */
  module: string;
  /** Number of syntax problems the parser reported. */
  problems: number;
}

/** A piece of a file cut on syntax boundaries; the unit of search. */
export interface Chunk {
  /** `<path>:<startLine>-<endLine>` */
  id: string;
  path: string;
  module: string;
  language: KbLanguage;
  startLine: number;
  endLine: number;
  /** Qualified name of the main symbol of the chunk, when there is one. */
  symbol?: string;
  /** Kind of the main symbol. */
  kind?: SymbolKind;
  /** Qualified names of every symbol declared in the chunk. */
  symbols: string[];
  text: string;
}

/** Where a module was detected from. */
export type ModuleSource = 'nx' | 'package.json' | 'pyproject.toml' | 'momo.md' | 'readme' | 'ingest';

/** A module (Nx project, npm package, Python package, or directory with a momo.md/README). */
export interface KbModule {
  name: string;
  /** Repo-relative POSIX directory ('' for the repo root). */
  root: string;
  kind: 'lib' | 'app' | 'package';
  source: ModuleSource;
  language: KbLanguage | 'mixed' | 'unknown';
  description: string;
  /** Names the package publishes under (npm name, Python distribution and import names). */
  aliases: string[];
  /** Files of the module (repo-relative). */
  files: string[];
  /** Modules this module imports from (sorted). */
  dependencies: string[];
  /** Modules that import from this module (sorted). */
  dependents: string[];
  /** Packages imported from outside the repo (sorted). */
  externalDependencies: string[];
  /** Dependencies declared in the manifests (package.json, pyproject.toml), sorted. */
  declaredDependencies: string[];
  /** Entry points declared by package.json (repo-relative, as written). */
  entryPoints: string[];
}

/** Why a file was left out of the knowledge base. */
export type SkipReason = 'ignored' | 'vendored' | 'generated' | 'binary' | 'huge' | 'unsupported';

/** The files a walk left out, counted by reason, with a few examples each. */
export interface SkipReport {
  counts: Record<SkipReason, number>;
  examples: Record<SkipReason, string[]>;
}

/** A search hit. Lines are 1-based inclusive; `path` is repo-relative. */
export interface SearchHit {
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  score: number;
  symbol?: string;
  kind?: SymbolKind;
  module?: string;
  /** Where the hit came from: a code chunk or a saved document. */
  type: 'chunk' | 'document';
  text: string;
  /** Score components (only with `explain: true`). */
  explain?: Record<string, number>;
}
