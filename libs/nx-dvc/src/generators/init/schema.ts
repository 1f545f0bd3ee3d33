import type { HookManager } from './lib/hooks.js';

/** Options of `nx g @momo/nx-dvc:init` (see schema.json). */
export interface InitGeneratorSchema {
  /** local path (workspace-relative or absolute) or ssh:// URL of the development remote */
  remoteUrl: string;
  /** @default 'dev-remote' */
  remoteName?: string;
  /** use git (`--no-scm`: `core.no_scm`); default: git when the workspace is a git repository */
  scm?: boolean;
  /** @default 'pre-commit' */
  hooks?: HookManager;
  /** @default 'libs/python/*' */
  pythonModules?: string;
  /** @default true */
  rootPipeline?: boolean;
  /** @default true */
  deployment?: boolean;
}
