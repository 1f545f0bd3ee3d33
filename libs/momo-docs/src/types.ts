/** One value of a metrics file, flattened to a dotted key (`heldout.ndcg_at_10`). */
export interface MetricValue {
  key: string;
  value: string | number | boolean | null;
}

/** An output of a pipeline stage as the docs show it. */
export interface PipelineOutDoc {
  /** Path as written in dvc.yaml (relative to the stage's working directory). */
  path: string;
  kind: 'outs' | 'metrics' | 'plots';
  cache: boolean;
  persist: boolean;
}

/** The current values of one metrics file of a stage. */
export interface PipelineMetricsDoc {
  /** Path as written in dvc.yaml. */
  path: string;
  /** Flattened values, sorted by key; absent when the file could not be read. */
  values?: MetricValue[];
  /** Why the values are absent (e.g. the stage has not run yet). */
  error?: string;
}

/**
 * A stage of a dvc.yaml, as plain data. The generator never reads dvc.yaml itself: the caller (the
 * docs-generate pipeline script) loads pipelines with @momo/dvc and passes them in, so this package
 * stays independent of the DVC engine.
 */
export interface PipelineStageDoc {
  /** Repo-relative POSIX path of the dvc.yaml that defines the stage. */
  file: string;
  name: string;
  cmd: string;
  /** Repo-relative POSIX working directory of the stage ('' for the repository root). */
  wdir: string;
  /** Dependencies as written (relative to `wdir`). */
  deps: string[];
  /** Params as `<file>:<key>` (`params.yaml:kb_config.chunk_size`); a file alone tracks all its keys. */
  params: string[];
  outs: PipelineOutDoc[];
  metrics: PipelineMetricsDoc[];
  desc?: string;
}

/** What happened to one page. */
export interface PageResult {
  /** File name inside the output directory (`momo-kb.md`, `index.md`). */
  path: string;
  /** Module the page documents; absent for the index. */
  module?: string;
  status: 'written' | 'unchanged';
}
