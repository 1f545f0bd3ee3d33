import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DVC_DIR } from '../constants.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';

/**
 * Finds the DVC root: walk up from `cwd` until a directory containing a `.dvc` directory is
 * found, stopping at a mount point (dvc/repo/__init__.py::find_root).
 * @throws NOT_A_DVC_REPO (exit 253)
 */
export function resolveRepoRoot(cwd: string): string {
  let dir = resolve(cwd);
  let dev: number | undefined;
  for (;;) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      // an unreadable directory ends the walk like a mount point
      break;
    }
    if (dev !== undefined && st.dev !== dev) break;
    dev = st.dev;
    try {
      if (statSync(join(dir, DVC_DIR)).isDirectory()) return dir;
    } catch {
      // no .dvc here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw dvcError('NOT_A_DVC_REPO', `you are not inside of a DVC repository (checked up to mount point '${dir}')`, {
    hint: 'run `momo init` in the project root first',
    exitCode: EXIT.NOT_A_REPO,
    data: { cwd },
  });
}
