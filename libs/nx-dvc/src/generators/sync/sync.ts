/**
 * `@momo/nx-dvc:sync`: an Nx sync generator that keeps glob-style deps of dvc.yaml stages in step
 * with the workspace. Stages keep their patterns in `meta.nx-dvc.deps` (`libs/python/*\/momo_*\/`)
 * and list the concrete matches in `deps`, so the file stays valid for real DVC (which reads deps
 * literally) while adding or removing a project only needs `nx sync` (`nx sync:check` in CI).
 */
import { posix } from 'node:path';
import { globAsync, type Tree } from '@nx/devkit';
import { parsePipeline, type YamlValue } from '@momo/dvc';
import type { SyncGeneratorResult } from 'nx/src/utils/sync-generators.js';
import { expandGlob, hasGlobMagic } from '../../plugins/glob.js';
import { GLOB_DEPS_META_KEY, NX_DVC_META_KEY } from '../../plugins/pipelines.js';
import { replaceStageDeps, syncedDeps, treeLister } from '../lib/stage-file.js';

/** One stage whose deps changed. */
export interface SyncedStage {
  file: string;
  stage: string;
  added: string[];
  removed: string[];
}

function patternsOf(def: Map<string, YamlValue>): string[] {
  const meta = def.get('meta');
  const own = meta instanceof Map ? meta.get(NX_DVC_META_KEY) : undefined;
  const deps = own instanceof Map ? own.get(GLOB_DEPS_META_KEY) : undefined;
  return Array.isArray(deps) ? deps.filter((d): d is string => typeof d === 'string' && hasGlobMagic(d) && !d.includes('${')) : [];
}

/**
 * Re-expands every stage's glob deps and rewrites the `deps` lists that differ. Files that do not
 * parse and foreach/matrix stages are left alone (the plugin reports invalid files).
 */
export async function syncGlobDeps(tree: Tree): Promise<SyncedStage[]> {
  const files = (await globAsync(tree, ['**/dvc.yaml'])).sort();
  const list = treeLister(tree);
  const changes: SyncedStage[] = [];
  for (const file of files) {
    let text = tree.read(file, 'utf-8') ?? '';
    let stages: Map<string, YamlValue>;
    try {
      const data = parsePipeline({ text, file: `./${file}` }).data;
      const s = data.get('stages');
      if (!(s instanceof Map)) continue;
      stages = s as Map<string, YamlValue>;
    } catch {
      // an invalid dvc.yaml is reported by the plugin; syncing it would only hide that
      continue;
    }
    const dir = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    let changed = false;
    for (const [name, raw] of stages) {
      if (!(raw instanceof Map) || raw.has('foreach') || raw.has('matrix')) continue;
      const def = raw as Map<string, YamlValue>;
      const patterns = patternsOf(def);
      if (!patterns.length) continue;
      const wdir = def.get('wdir');
      if (wdir !== undefined && (typeof wdir !== 'string' || wdir.includes('${'))) continue;
      const base = posix.normalize(posix.join(dir, typeof wdir === 'string' ? wdir : '.')).replace(/^\.$/, '');
      const expansion = patterns.flatMap((p) => expandGlob(p, base, list));
      const current = (Array.isArray(def.get('deps')) ? (def.get('deps') as YamlValue[]) : []).map(String);
      const next = syncedDeps(current, patterns, expansion);
      const before = new Set(current);
      const after = new Set(next);
      const added = next.filter((d) => !before.has(d));
      const removed = current.filter((d) => !after.has(d));
      if (!added.length && !removed.length) continue;
      text = replaceStageDeps(text, posix.basename(file), name, next);
      changes.push({ file, stage: name, added, removed });
      changed = true;
    }
    if (changed) tree.write(file, text);
  }
  return changes;
}

/** The sync generator Nx runs on `nx sync` / `nx sync:check` (registered in nx.json by init). */
export async function syncGenerator(tree: Tree): Promise<SyncGeneratorResult> {
  const changes = await syncGlobDeps(tree);
  if (!changes.length) return;
  const lines = changes.map((c) => `${c.file}:${c.stage}${c.added.length ? ` +${c.added.join(' +')}` : ''}${c.removed.length ? ` -${c.removed.join(' -')}` : ''}`);
  return { outOfSyncMessage: `Glob deps of DVC stages no longer match the workspace:\n${lines.join('\n')}` };
}

export default syncGenerator;
