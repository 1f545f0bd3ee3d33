/**
 * `nx g @momo/nx-dvc:remote`: adds or re-points a DVC remote, writing `.dvc/config` (or
 * `.dvc/config.local`) as `momo remote add [-d] [-f]` would.
 */
import type { Tree } from '@nx/devkit';
import { nxDvcError, EXIT } from '../../errors/nx-dvc-error.js';
import { configureRemote } from '../init/lib/dvc-repo.js';
import type { RemoteGeneratorSchema } from './schema.js';

/** Runs the generator. @returns true when a config file changed */
export function runRemote(tree: Tree, schema: RemoteGeneratorSchema): boolean {
  if (!tree.exists('.dvc/config')) {
    throw nxDvcError('NX_DVC_OPTIONS_INVALID', 'this workspace is not a DVC repository yet (no .dvc/config)', {
      hint: 'run `nx g @momo/nx-dvc:init --remoteUrl=<url>` first',
      exitCode: EXIT.NOT_A_REPO,
    });
  }
  if (!/^[\w.-]+$/.test(schema.name)) {
    throw nxDvcError('NX_DVC_OPTIONS_INVALID', `remote name '${schema.name}' is not usable in .dvc/config`, { hint: "use letters, digits, '_', '-' and '.'", exitCode: EXIT.USAGE });
  }
  return configureRemote(tree, { name: schema.name, url: schema.url, makeDefault: schema.default ?? false, local: schema.local });
}

/** The Nx generator. */
export async function remoteGenerator(tree: Tree, schema: RemoteGeneratorSchema): Promise<void> {
  runRemote(tree, schema);
}

export default remoteGenerator;
