import type { ExecutorContext } from '@nx/devkit';
import type { ReproExecutorOptions } from '../lib/options.js';
import { fromContext, runOperation, type ExecutorResult } from '../lib/run-operation.js';

/**
 * `@momo/nx-dvc:repro`: reproduces the project's dvc.yaml (or the `stages` given) with momo in-process, or with the Python dvc (`engine: 'dvc'`).
 * Fails the task (`success: false`) when the operation fails; errors are printed with their hint.
 */
export default async function reproExecutor(options: ReproExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runOperation(fromContext('repro', options, context));
}
