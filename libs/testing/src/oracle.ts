import { existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { GIT_ENV } from './tmp-repo.js';

/** The repository root of momo itself (where .venv-dvc lives). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The DVC version every golden file and interop test is checked against. */
export const ORACLE_DVC_VERSION = '3.67.1';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Path of the real DVC binary used as the compatibility oracle: `$MOMO_DVC_ORACLE`, else
 * `<project>/.venv-dvc/bin/dvc`. Throws with the install command when it is missing: interop tests
 * never skip (CI installs the venv in .ci/run).
 */
export function oracleDvcPath(): string {
  const p = process.env.MOMO_DVC_ORACLE ?? join(PROJECT_ROOT, '.venv-dvc', 'bin', 'dvc');
  if (!existsSync(p)) {
    throw new Error(
      `the real-DVC oracle is missing at ${p}; install it with:\n` +
        `  python3 -m venv .venv-dvc && .venv-dvc/bin/pip install dvc==${ORACLE_DVC_VERSION}`,
    );
  }
  return p;
}

/** Environment for both DVC and momo in tests: no analytics, no updater, fixed git identity. */
export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...GIT_ENV,
    DVC_NO_ANALYTICS: '1',
    DVC_ANALYTICS: 'false',
    DVC_IGNORE_UPDATER: '1',
    DVC_SITE_CACHE_DIR: process.env.DVC_SITE_CACHE_DIR ?? '/tmp/momo-test-dvc-site-cache',
    ...extra,
  };
}

/** Runs real DVC (`dvc ...args`) in `cwd`. */
export function runDvc(cwd: string, args: string[], env: Record<string, string> = {}): RunResult {
  const r = spawnSync(oracleDvcPath(), args, { cwd, env: testEnv(env), encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Path of the built momo CLI entry (requires `npm run build`). */
export const MOMO_BIN = join(PROJECT_ROOT, 'apps', 'cli', 'bin', 'momo.js');

/** Runs the built `momo` CLI in `cwd`. */
export function runMomo(cwd: string, args: string[], env: Record<string, string> = {}, input?: string): RunResult {
  const r = spawnSync(process.execPath, [MOMO_BIN, ...args], { cwd, env: testEnv(env), encoding: 'utf8', input });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
