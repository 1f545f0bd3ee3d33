import type { ExecutorContext } from '@nx/devkit';
import type { TransferExecutorOptions } from '../lib/options.js';
import { fromContext, runOperation, type ExecutorResult } from '../lib/run-operation.js';

/**
 * `@momo/nx-dvc:push`: uploads the cached data of the project's DVC files to the remote.
 * Fails the task (`success: false`) when the operation fails; errors are printed with their hint.
 */
export default async function pushExecutor(options: TransferExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runOperation(fromContext('push', options, context));
}
