import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, isMomoError, MomoError } from '@momo/errors';

/** Repository of momo itself (scripts/dist/lib/ is three levels below it). */
export const MOMO_HOME = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function newestSource(dir: string): { path: string; mtime: number } | undefined {
  let best: { path: string; mtime: number } | undefined;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'dist' || e.name === 'node_modules' || e.name === '__fixtures__') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) {
        const m = statSync(p).mtimeMs;
        if (!best || m > best.mtime) best = { path: p, mtime: m };
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return best;
}

/**
 * Stage commands run compiled JavaScript (`node scripts/dist/...`): fails when a TypeScript source
 * of the scripts or of a library they run is newer than its build, so a stage never records
 * outputs of stale code. Cheap (a stat per source file).
 * `MOMO_ALLOW_STALE_BUILD=1` turns the check off (tests that build first and run while sources
 * around them are being edited).
 * @throws BUILD_STALE with the command that fixes it.
 */
export function assertBuildFresh(packages: string[] = ['scripts', 'libs/momo-kb/scripts', 'libs/momo-kb', 'libs/momo-docs', 'libs/momo-dvc', 'libs/momo-vector-store', 'libs/momo-graph-store', 'libs/momo-store-document', 'libs/momo-errors']): void {
  if (process.env.MOMO_ALLOW_STALE_BUILD === '1') return;
  for (const pkg of packages) {
    const dir = join(MOMO_HOME, pkg);
    const info = join(dir, 'dist', '.tsbuildinfo');
    if (!existsSync(join(dir, 'tsconfig.json'))) continue;
    const newest = newestSource(existsSync(join(dir, 'src')) ? join(dir, 'src') : dir);
    if (!newest) continue;
    const built = existsSync(info) ? statSync(info).mtimeMs : 0;
    if (newest.mtime > built) {
      throw new MomoError('BUILD_STALE', `'${newest.path.slice(MOMO_HOME.length + 1)}' is newer than the build in '${pkg}/dist'`, {
        hint: `run \`npm run build\` in ${MOMO_HOME} (or \`npm run main\`, which builds first), then repeat the command`,
        exitCode: EXIT.FAILED,
        data: { package: pkg },
      });
    }
  }
}

/** Runs a script's main: MomoErrors print as `ERROR: message` + hint on stderr and set the exit code. */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => undefined,
    (e: unknown) => {
      if (isMomoError(e)) {
        process.stderr.write(`ERROR: ${e.message}\n${e.hint ? `${e.hint}\n` : ''}`);
        process.exitCode = e.exitCode ?? EXIT.FAILED;
      } else {
        process.stderr.write(`ERROR: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exitCode = EXIT.UNEXPECTED;
      }
    },
  );
}
