/**
 * The slice of `@momo/dvc` the executors call, loaded lazily (the plugin and generators never pay
 * for it).
 *
 * `repro` is engine work in progress; until the installed `@momo/dvc` exports it, the executor
 * looks it up by name and fails with `NX_DVC_ENGINE_OPERATION_MISSING` (suggesting
 * `--engine=dvc`). Its shape below is the one the engine documents (`ReproOptions`/`ReproResult`
 * in src/api/repro.ts).
 */
import { nxDvcError } from '../../errors/nx-dvc-error.js';

/** Progress events of `repro` (the subset the executor renders). */
export type EngineReproEvent =
  | { type: 'log'; level: 'info' | 'warning'; message: string; stage?: string }
  | { type: 'output'; stage: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'stage-started'; stage: string }
  | { type: 'stage-skipped'; stage: string; reason: string }
  | { type: 'stage-restored'; stage: string }
  | { type: 'stage-finished'; stage: string; result: string }
  | { type: 'stage-failed'; stage: string; message: string };

/** `repro` of `@momo/dvc`. */
export type EngineRepro = (options: {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  waitForLock?: boolean;
  targets?: string[];
  force?: boolean;
  dry?: boolean;
  downstream?: boolean;
  keepGoing?: boolean;
  noRunCache?: boolean;
  jobs?: number;
  output?: 'inherit' | 'events';
  onEvent?: (event: EngineReproEvent) => void;
}) => Promise<{ stages: string[]; gitFiles: string[]; autostaged: boolean; warnings: string[] }>;

type Dvc = typeof import('@momo/dvc');

/** The engine as the executors use it. */
export interface Engine {
  status: Dvc['status'];
  checkout: Dvc['checkout'];
  pyJsonDumps: Dvc['pyJsonDumps'];
  push: Dvc['push'];
  pull: Dvc['pull'];
  repro(): EngineRepro;
}

function missing(name: string): Error {
  return nxDvcError('NX_DVC_ENGINE_OPERATION_MISSING', `the installed @momo/dvc does not provide '${name}' yet`, {
    hint: `use the Python engine for this target meanwhile: \`nx run <project>:<target> --engine=dvc\` (or the plugin option "engine": "dvc")`,
    data: { operation: name },
  });
}

/** Imports `@momo/dvc` (lazily: only executors pay for it). */
export async function loadEngine(): Promise<Engine> {
  const dvc = await import('@momo/dvc');
  const byName = dvc as unknown as Record<string, unknown>;
  const op = <T>(name: string): T => {
    const fn = byName[name];
    if (typeof fn !== 'function') throw missing(name);
    return fn as T;
  };
  return {
    status: dvc.status,
    checkout: dvc.checkout,
    pyJsonDumps: dvc.pyJsonDumps,
    push: dvc.push,
    pull: dvc.pull,
    repro: () => op<EngineRepro>('repro'),
  };
}
