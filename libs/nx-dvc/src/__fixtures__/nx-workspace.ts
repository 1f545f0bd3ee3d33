/**
 * A real Nx workspace in a temp dir for the e2e specs (e2e/nx-*.spec.ts): Nx from momo's own
 * node_modules, offline, no cloud, no daemon, no analytics; `@momo/nx-dvc` and the `momo` binary
 * linked from this checkout (their dist/ must be built: `npx tsc -b tsconfig.build.json`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PROJECT_ROOT, testEnv, tmpRepo, type FileTree, type RunResult, type TmpRepo } from '@momo/testing';

/** Nx's CLI entry in momo's node_modules. */
export const NX_BIN = join(PROJECT_ROOT, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
/** The built momo CLI. */
export const MOMO_CLI = join(PROJECT_ROOT, 'apps', 'cli', 'bin', 'momo.js');

/**
 * The `uv` executable: `$MOMO_UV`, else `<momo>/.venv-dvc/bin/uv` (installed next to the DVC oracle
 * with `.venv-dvc/bin/pip install uv==0.13.9`), else `uv` on PATH. Throws with the install
 * command when none exists: the e2e never skips.
 */
export function uvPath(): string {
  const candidates = [process.env.MOMO_UV, join(PROJECT_ROOT, '.venv-dvc', 'bin', 'uv')].filter((p): p is string => !!p);
  for (const c of candidates) if (existsSync(c)) return c;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, 'uv'))) return join(dir, 'uv');
  throw new Error(`uv is needed by the Python library of the e2e workspace; install it with:\n  ${join(PROJECT_ROOT, '.venv-dvc', 'bin', 'pip')} install uv==0.13.9`);
}

function requireBuilt(): void {
  for (const f of [join(PROJECT_ROOT, 'libs', 'nx-dvc', 'dist', 'plugin.js'), join(PROJECT_ROOT, 'libs', 'momo-dvc', 'dist', 'index.js'), join(PROJECT_ROOT, 'apps', 'cli', 'dist', 'main.js')]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: build first with \`npx tsc -b tsconfig.build.json\``);
  }
}

/**
 * Gives `root` a node_modules whose entries link to momo's, plus `.bin/momo` (so `npx --no momo`
 * and stage commands calling `momo` work as in a real install).
 */
export function linkNodeModules(root: string): void {
  const src = join(PROJECT_ROOT, 'node_modules');
  const dst = join(root, 'node_modules');
  mkdirSync(join(dst, '.bin'), { recursive: true });
  for (const name of readdirSync(src)) {
    if (name === '.bin' || name === '.package-lock.json') continue;
    symlinkSync(join(src, name), join(dst, name));
  }
  for (const name of readdirSync(join(src, '.bin'))) if (name !== 'momo') symlinkSync(join(src, '.bin', name), join(dst, '.bin', name));
  symlinkSync(MOMO_CLI, join(dst, '.bin', 'momo'));
}

/** A temp Nx workspace with helpers to run nx, momo, dvc and git in it. */
export interface NxWorkspace extends TmpRepo {
  /** the environment every command gets */
  env: NodeJS.ProcessEnv;
  nx(args: string[], options?: { cwd?: string }): RunResult;
  momo(args: string[], options?: { cwd?: string }): RunResult;
  /** any executable, in the workspace environment */
  run(cmd: string, args: string[], options?: { cwd?: string }): RunResult;
}

/** Environment for Nx, uv and DVC in tests: offline, no daemon, no cloud, no prompts, no colour. */
export function workspaceEnv(toolsDir: string): NodeJS.ProcessEnv {
  return testEnv({
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_SKIP_NX_CACHE: 'false',
    NX_INTERACTIVE: 'false',
    CI: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    UV_OFFLINE: '1',
    UV_PYTHON_DOWNLOADS: 'never',
    UV_NO_PROGRESS: '1',
    PATH: [toolsDir, process.env.PATH ?? ''].join(delimiter),
  });
}

/**
 * Creates the workspace: root package.json (npm workspaces `libs/*`), nx.json without analytics
 * or cloud, .gitignore, the given files, linked node_modules, and a `tools/` dir holding `uv`
 * (put first on PATH). With `git`, the files are committed.
 */
export function createNxWorkspace(options: { name: string; files: FileTree; git?: boolean }): NxWorkspace {
  requireBuilt();
  const repo = tmpRepo({ git: options.git, prefix: 'momo-nx-e2e-' });
  repo.gen({
    'package.json': `${JSON.stringify({ name: options.name, version: '0.0.0', private: true, workspaces: ['libs/*'] }, null, 2)}\n`,
    'nx.json': `${JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', analytics: false, neverConnectToCloud: true }, null, 2)}\n`,
    '.gitignore': 'node_modules\n.nx\n.venv\n',
    ...options.files,
  });
  try {
    return attachWorkspace(repo, { commit: options.git });
  } catch (e) {
    repo.cleanup();
    throw e;
  }
}

/** Wraps an existing directory (e.g. a fresh clone) as an {@link NxWorkspace}. */
export function attachWorkspace(repo: TmpRepo, options: { commit?: boolean } = {}): NxWorkspace {
  linkNodeModules(repo.root);
  const tools = join(repo.root, 'node_modules', '.momo-e2e-tools');
  mkdirSync(tools, { recursive: true });
  symlinkSync(uvPath(), join(tools, 'uv'));
  const env = workspaceEnv(tools);
  if (options.commit) {
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'workspace');
  }
  const run = (cmd: string, args: string[], o: { cwd?: string } = {}): RunResult => {
    const r = spawnSync(cmd, args, { cwd: o.cwd ?? repo.root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    ...repo,
    env,
    run,
    nx: (args, o) => run(process.execPath, [NX_BIN, ...args], o),
    momo: (args, o) => run(process.execPath, [MOMO_CLI, ...args], o),
  };
}
