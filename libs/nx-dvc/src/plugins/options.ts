import { nxDvcError, EXIT } from '../errors/nx-dvc-error.js';

/** Which implementation of DVC the executors call. */
export type DvcEngine = 'momo' | 'dvc';

/**
 * Options of the `@momo/nx-dvc/plugin` entry in `nx.json` `plugins`.
 *
 * @example
 * { "plugin": "@momo/nx-dvc/plugin", "options": { "stageTargetName": "{stage}", "engine": "momo" } }
 */
export interface NxDvcPluginOptions {
  /** @default 'dvc-repro' */
  reproTargetName?: string;
  /** @default 'dvc-status' */
  statusTargetName?: string;
  /** @default 'dvc-pull' */
  pullTargetName?: string;
  /** @default 'dvc-push' */
  pushTargetName?: string;
  /** @default 'dvc-checkout' */
  checkoutTargetName?: string;
  /** Name of the target inferred for each stage; `{stage}` stands for the stage name. @default 'dvc-stage-{stage}' */
  stageTargetName?: string;
  /**
   * Let Nx cache `dvc-repro` and the stage targets. DVC keeps its own run-cache, and an Nx cache hit
   * restores outputs without putting them into the DVC cache, so this is opt-in. @default false
   */
  cacheRepro?: boolean;
  /** Engine the inferred targets use: momo in-process, or the Python `dvc` executable. @default 'momo' */
  engine?: DvcEngine;
  /** The Python `dvc` executable for `engine: 'dvc'`. @default 'dvc' */
  dvcPath?: string;
  /**
   * What an invalid `dvc.yaml` does to the project graph. `error` (Nx's convention): the plugin
   * reports an aggregate error naming each bad file, with the other projects' targets as the partial
   * result; Nx then refuses to run tasks until the file is fixed. `warn`: the error is logged, the
   * project keeps its whole-pipeline targets (which fail with the same message when run) and every
   * other project stays runnable. @default 'error'
   */
  invalidPipelines?: 'error' | 'warn';
}

/** Plugin options with every default applied. */
export interface NormalizedPluginOptions {
  reproTargetName: string;
  statusTargetName: string;
  pullTargetName: string;
  pushTargetName: string;
  checkoutTargetName: string;
  stageTargetName: string;
  cacheRepro: boolean;
  engine: DvcEngine;
  dvcPath?: string;
  invalidPipelines: 'error' | 'warn';
}

/** The default target names (STYLE §3: `dvc-repro`, `dvc-pull`, `dvc-push`, `dvc-status`). */
export const DEFAULT_TARGET_NAMES = {
  reproTargetName: 'dvc-repro',
  statusTargetName: 'dvc-status',
  pullTargetName: 'dvc-pull',
  pushTargetName: 'dvc-push',
  checkoutTargetName: 'dvc-checkout',
  stageTargetName: 'dvc-stage-{stage}',
} as const;

function invalid(message: string, hint: string): Error {
  return nxDvcError('NX_DVC_OPTIONS_INVALID', message, { hint, exitCode: EXIT.USAGE });
}

/**
 * Applies defaults and checks the plugin options.
 * @throws MomoError `NX_DVC_OPTIONS_INVALID` for an empty target name, a name containing `:`, a
 *   `stageTargetName` without `{stage}`, or an unknown engine
 */
export function normalizePluginOptions(options: NxDvcPluginOptions | undefined): NormalizedPluginOptions {
  const o = options ?? {};
  const names = {} as Record<keyof typeof DEFAULT_TARGET_NAMES, string>;
  for (const key of Object.keys(DEFAULT_TARGET_NAMES) as Array<keyof typeof DEFAULT_TARGET_NAMES>) {
    const value = o[key] ?? DEFAULT_TARGET_NAMES[key];
    if (typeof value !== 'string' || !value.trim()) {
      throw invalid(`nx.json: @momo/nx-dvc option '${key}' must be a non-empty string, got ${JSON.stringify(value)}`, `remove '${key}' to use '${DEFAULT_TARGET_NAMES[key]}'`);
    }
    // `nx run project:target:configuration` splits on ':'
    if (value.includes(':')) {
      throw invalid(`nx.json: @momo/nx-dvc option '${key}' must not contain ':' (got '${value}')`, `use '-' instead, e.g. '${value.replaceAll(':', '-')}'`);
    }
    names[key] = value;
  }
  if (!names.stageTargetName.includes('{stage}')) {
    throw invalid(`nx.json: @momo/nx-dvc option 'stageTargetName' must contain '{stage}' (got '${names.stageTargetName}')`, "e.g. 'dvc-stage-{stage}' or '{stage}'");
  }
  const engine = o.engine ?? 'momo';
  if (engine !== 'momo' && engine !== 'dvc') {
    throw invalid(`nx.json: @momo/nx-dvc option 'engine' must be 'momo' or 'dvc', got ${JSON.stringify(engine)}`, "use 'momo' (in-process) or 'dvc' (the Python executable)");
  }
  const invalidPipelines = o.invalidPipelines ?? 'error';
  if (invalidPipelines !== 'error' && invalidPipelines !== 'warn') {
    throw invalid(`nx.json: @momo/nx-dvc option 'invalidPipelines' must be 'error' or 'warn', got ${JSON.stringify(invalidPipelines)}`, "use 'error' (default) or 'warn'");
  }
  const out: NormalizedPluginOptions = { ...names, cacheRepro: o.cacheRepro === true, engine, invalidPipelines };
  if (o.dvcPath) out.dvcPath = o.dvcPath;
  return out;
}

/** The per-stage target name for `stage`. */
export function stageTargetName(options: Pick<NormalizedPluginOptions, 'stageTargetName'>, stage: string): string {
  return options.stageTargetName.replaceAll('{stage}', stage);
}
