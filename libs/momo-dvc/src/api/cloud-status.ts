import { withOperation } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex } from '../repo/index.js';
import { selectOuts } from './status.js';
import { collectCloudOuts } from './push.js';
import { cloudOuts, groupByRemote, objectGroups, openRemote, fetchManifest, existsOnRemote, type CloudObject } from '../repo/data-cloud.js';
import { resolveRemoteConfig } from '../config/load-config.js';

export interface CloudStatusOptions extends RepoOptions {
  targets?: string[];
  remote?: string;
  jobs?: number;
  /** `-a`: also the objects recorded at the tip of every git branch */
  allBranches?: boolean;
  /** `-T`: also those recorded at every git tag */
  allTags?: boolean;
  /** `-A`: also those recorded at every git commit */
  allCommits?: boolean;
}

export type CloudState = 'new' | 'deleted' | 'missing';

export interface CloudStatusResult {
  /** object name (output path, or `<dir>/<relpath>`) → state; in-sync objects are omitted */
  objects: Record<string, CloudState>;
  /** the remote compared against (name) */
  remote: string;
  /** revisions that could not be read, DVC's "failed to collect '<rev>', skipping" */
  warnings: string[];
}

/**
 * Compares the local cache with a remote for the selected outputs, like `dvc status -c`
 * (dvc-compat §10.6): `new` = only local, `deleted` = only on the remote, `missing` = neither.
 * With `-a/-T/-A` the objects of every selected revision count too (dvc/repo/status.py::_cloud_status
 * over used_objs of the workspace and those revisions); an object path seen at several revisions
 * keeps one entry, as in DVC's name → status mapping.
 * @throws REMOTE_NO_DEFAULT / REMOTE_NOT_FOUND (status -c needs a remote)
 */
export async function cloudStatus(opts: CloudStatusOptions): Promise<CloudStatusResult> {
  return withOperation('status', () =>
    Repo.withRepo(opts, 'read', async (repo) => {
      const name = resolveRemoteConfig(repo.settings.config, { name: opts.remote, command: 'status' }).name;
      const warnings: string[] = [];
      const outs =
        opts.allBranches || opts.allTags || opts.allCommits
          ? collectCloudOuts(repo, opts, true, warnings)
          : cloudOuts(selectOuts(repo, opts.cwd, loadIndex(repo).outs, opts.targets), true);
      const group = groupByRemote(repo, outs, name).byRemote.get(name) ?? [];
      const remote = await openRemote(repo, name, opts.jobs);
      const objects: Record<string, CloudState> = {};
      try {
        const groups = objectGroups(repo, group);
        for (const g of groups) if (g.manifestUnknown) await fetchManifest(remote, g);
        // one entry per object, named after its first output: DVC collects HashInfos in a set whose
        // equality ignores obj_name (dvc_data/hashfile/hash_info.py), so a later duplicate keeps the
        // first name (two outputs with the same bytes are reported once)
        const seen = new Set<string>();
        const all: CloudObject[] = groups
          .flatMap((g) => (g.dir ? [...g.files, g.dir] : g.files))
          .filter((o) => {
            const k = `${o.legacy ? 'L:' : ''}${o.md5}`;
            if (seen.has(k)) return false;
            seen.add(k);
            return true;
          });
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
      return { objects, remote: name, warnings };
    }),
  );
}
