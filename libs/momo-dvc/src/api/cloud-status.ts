import { withOperation } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex } from '../repo/index.js';
import { selectOuts } from './status.js';
import { cloudOuts, groupByRemote, objectGroups, openRemote, fetchManifest, existsOnRemote, type CloudObject } from '../repo/data-cloud.js';
import { resolveRemoteConfig } from '../config/load-config.js';

export interface CloudStatusOptions extends RepoOptions {
  targets?: string[];
  remote?: string;
  jobs?: number;
}

export type CloudState = 'new' | 'deleted' | 'missing';

export interface CloudStatusResult {
  /** object name (output path, or `<dir>/<relpath>`) → state; in-sync objects are omitted */
  objects: Record<string, CloudState>;
  /** the remote compared against (name) */
  remote: string;
}

/**
 * Compares the local cache with a remote for the selected outputs, like `dvc status -c`
 * (dvc-compat §10.6): `new` = only local, `deleted` = only on the remote, `missing` = neither.
 * @throws REMOTE_NO_DEFAULT / REMOTE_NOT_FOUND (status -c needs a remote)
 */
export async function cloudStatus(opts: CloudStatusOptions): Promise<CloudStatusResult> {
  return withOperation('status', () =>
    Repo.withRepo(opts, 'read', async (repo) => {
      const name = resolveRemoteConfig(repo.settings.config, { name: opts.remote, command: 'status' }).name;
      const outs = cloudOuts(selectOuts(repo, opts.cwd, loadIndex(repo).outs, opts.targets), true);
      const group = groupByRemote(repo, outs, name).byRemote.get(name) ?? [];
      const remote = await openRemote(repo, name, opts.jobs);
      const objects: Record<string, CloudState> = {};
      try {
        const groups = objectGroups(repo, group);
        for (const g of groups) if (g.manifestUnknown) await fetchManifest(remote, g);
        const all: CloudObject[] = groups.flatMap((g) => (g.dir ? [...g.files, g.dir] : g.files));
        const onRemote = await existsOnRemote(remote, all, opts.jobs ?? remote.jobs);
        all.forEach((o, i) => {
          const local = repo.odb.listed(o.md5, o.legacy) || repo.odb.exists(o.md5, o.legacy);
          if (local && !onRemote[i]) objects[o.name] = 'new';
          else if (!local && onRemote[i]) objects[o.name] = 'deleted';
          else if (!local && !onRemote[i]) objects[o.name] = 'missing';
        });
      } finally {
        await remote.close();
      }
      return { objects, remote: name };
    }),
  );
}
