import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { normalizePluginOptions, stageTargetName, type NormalizedPluginOptions, type NxDvcPluginOptions } from '../../../plugins/options.js';

/** The module specifier nx.json registers. */
export const PLUGIN_MODULE = '@momo/nx-dvc/plugin';
/** The sync generator nx.json lists in `sync.globalGenerators`. */
export const SYNC_GENERATOR = '@momo/nx-dvc:sync';

type PluginEntry = string | { plugin: string; options?: unknown };

function isOurs(p: PluginEntry): boolean {
  const name = typeof p === 'string' ? p : p.plugin;
  return name === PLUGIN_MODULE || name === '@momo/nx-dvc';
}

/**
 * Registers the plugin (keeping an existing entry and its options), adds the seed's targetDefaults
 * (Phase 4.1) and the glob-deps sync generator. Existing targetDefaults keys are never overwritten;
 * `dependsOn` lists start with `'...'` so the plugin's cross-project dependencies are kept.
 * @returns the plugin options in effect (for target names)
 */
export function updateNxJsonForDvc(tree: Tree): NormalizedPluginOptions {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = (nxJson.plugins ?? []) as PluginEntry[];
  let entry = plugins.find(isOurs);
  if (!entry) {
    entry = { plugin: PLUGIN_MODULE, options: {} };
    plugins.push(entry);
  }
  nxJson.plugins = plugins as typeof nxJson.plugins;
  const options = normalizePluginOptions(typeof entry === 'string' ? {} : (entry.options as NxDvcPluginOptions | undefined));

  const defaults = (nxJson.targetDefaults ?? {}) as Record<string, Record<string, unknown>>;
  const want: Record<string, Record<string, unknown>> = {
    // the seed: reproduce only after formatting and type checks passed
    [options.reproTargetName]: { cache: false, dependsOn: ['...', 'format', 'typecheck'] },
    [options.pullTargetName]: { cache: false },
    [options.pushTargetName]: { cache: false },
    // the seed's `dvc-ingest` default is for its kb-ingest stage: ingest only after all tests pass
    [stageTargetName(options, 'kb-ingest')]: { cache: false, dependsOn: ['...', 'test-all'] },
  };
  for (const [target, config] of Object.entries(want)) {
    const current = defaults[target] ?? {};
    for (const [k, v] of Object.entries(config)) if (!(k in current)) current[k] = v;
    defaults[target] = current;
  }
  nxJson.targetDefaults = defaults as typeof nxJson.targetDefaults;

  const sync = (nxJson.sync ?? {}) as { globalGenerators?: string[] };
  if (!sync.globalGenerators?.includes(SYNC_GENERATOR)) sync.globalGenerators = [...(sync.globalGenerators ?? []), SYNC_GENERATOR];
  nxJson.sync = sync as typeof nxJson.sync;
  updateNxJson(tree, nxJson);
  return options;
}
