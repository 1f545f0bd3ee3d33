import type { ExecutorContext } from '@nx/devkit';
import type { StatusExecutorOptions } from '../lib/options.js';
import { fromContext, runOperation, type ExecutorResult } from '../lib/run-operation.js';

/**
 * `@momo/nx-dvc:status`: shows what changed in the project's DVC files; with `failOnChanges` a stale pipeline fails the task.
 * Fails the task (`success: false`) when the operation fails; errors are printed with their hint.
 */
export default async function statusExecutor(options: StatusExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runOperation(fromContext('status', options, context));
}
