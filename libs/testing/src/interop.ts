import { readdirSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tmpRepo, type TmpRepo, type FileTree } from './tmp-repo.js';
import { runDvc, runMomo, type RunResult } from './oracle.js';

/** A file's observable state: mode bits and content (or link target). */
export interface FileState {
  mode: string;
  content?: string;
  link?: string;
}

/**
 * Every file below `root` (except .git and the machine-local `.dvc/tmp`), with mode and content,
 * keyed by POSIX path: what two repos must agree on after the same scenario.
 */
export function snapshotTree(root: string, opts: { contents?: boolean; skip?: (rel: string) => boolean } = {}): Record<string, FileState> {
  const out: Record<string, FileState> = {};
  const rec = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const rel = prefix ? `${prefix}/${name}` : name;
      if (rel === '.git' || rel === '.dvc/tmp' || opts.skip?.(rel)) continue;
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isDirectory()) {
        rec(p, rel);
        continue;
      }
      const state: FileState = { mode: (st.mode & 0o777).toString(8) };
      if (st.isSymbolicLink()) state.link = readlinkSync(p);
      else if (opts.contents !== false) state.content = readFileSync(p, 'utf8');
      out[rel] = state;
    }
  };
  rec(root, '');
  return out;
}

/** The same scenario in two fresh repos: one driven by real DVC, one by momo. */
export interface Twins {
  dvc: TmpRepo;
  momo: TmpRepo;
  /** writes the same files into both */
  gen(tree: FileTree, base?: string): void;
  /** runs a shell-free command in both (`tool` replaced by dvc / momo) and returns both results */
  run(args: string[], cwdSub?: string): { dvc: RunResult; momo: RunResult };
  /** runs an arbitrary action in both */
  each(fn: (repo: TmpRepo, tool: 'dvc' | 'momo') => void): void;
  cleanup(): void;
}

export function twins(opts: { git?: boolean; init?: boolean | string[] } = {}): Twins {
  const dvc = tmpRepo({ git: opts.git, prefix: 'momo-twin-dvc-' });
  const momo = tmpRepo({ git: opts.git, prefix: 'momo-twin-momo-' });
  const t: Twins = {
    dvc,
    momo,
    gen: (tree, base) => {
      dvc.gen(tree, base);
      momo.gen(tree, base);
    },
    run: (args, cwdSub) => ({
      dvc: runDvc(cwdSub ? join(dvc.root, cwdSub) : dvc.root, args),
      momo: runMomo(cwdSub ? join(momo.root, cwdSub) : momo.root, args),
    }),
    each: (fn) => {
      fn(dvc, 'dvc');
      fn(momo, 'momo');
    },
    cleanup: () => {
      dvc.cleanup();
      momo.cleanup();
    },
  };
  if (opts.init) {
    const args = Array.isArray(opts.init) ? ['init', ...opts.init] : opts.git ? ['init'] : ['init', '--no-scm'];
    const r = t.run(args);
    if (r.dvc.code !== 0 || r.momo.code !== 0) throw new Error(`init failed: dvc ${r.dvc.stderr} / momo ${r.momo.stderr}`);
  }
  return t;
}
