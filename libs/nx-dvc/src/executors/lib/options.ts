import type { DvcEngine } from '../../plugins/options.js';

/** Options every executor takes. */
export interface CommonExecutorOptions {
  /** `momo` (in-process, no Python) or `dvc` (spawns the Python executable). @default 'momo' */
  engine?: DvcEngine;
  /** the Python `dvc` executable for `engine: 'dvc'`. @default 'dvc' */
  dvcPath?: string;
  /** print what the engine decides (stage skipped/ran, targets); also on with `nx … --verbose` */
  verbose?: boolean;
}

/** Options of `@momo/nx-dvc:repro`. */
export interface ReproExecutorOptions extends CommonExecutorOptions {
  /** stage names of the project's dvc.yaml; default: the whole dvc.yaml */
  stages?: string[];
  /** `-f`: reproduce even unchanged stages */
  force?: boolean;
  /** `--dry`: print what would run, change nothing */
  dry?: boolean;
  /** `--downstream`: also the stages that depend on the targets */
  downstream?: boolean;
  /** `-k`: on failure skip the failed stage's dependents and go on */
  keepGoing?: boolean;
  /** `--no-run-cache`: do not restore outputs from the run-cache */
  noRunCache?: boolean;
  /** momo extension: run up to N independent stages at once (ignored by engine `dvc`) */
  jobs?: number;
}

/** Options of `@momo/nx-dvc:status`. */
export interface StatusExecutorOptions extends CommonExecutorOptions {
  /** fail the task when stages or data changed (`momo status -q` semantics). @default false */
  failOnChanges?: boolean;
  /** print DVC's `--json` shape instead of text */
  json?: boolean;
}

/** Options of `@momo/nx-dvc:pull` and `@momo/nx-dvc:push`. */
export interface TransferExecutorOptions extends CommonExecutorOptions {
  /** remote name (`-r`); default: `core.remote` */
  remote?: string;
  /** parallel transfers (`-j`) */
  jobs?: number;
  /** pull only: overwrite changed workspace files (`-f`) */
  force?: boolean;
}

/** Options of `@momo/nx-dvc:checkout`. */
export interface CheckoutExecutorOptions extends CommonExecutorOptions {
  /** `-f`: replace changed workspace files without asking */
  force?: boolean;
  /** `--relink`: re-create links with the configured link type */
  relink?: boolean;
}

/** The operations the executors run. */
export type DvcOperation = 'repro' | 'status' | 'pull' | 'push' | 'checkout';
