import type { ExecutorContext } from '@nx/devkit';
import type { TransferExecutorOptions } from '../lib/options.js';
import { fromContext, runOperation, type ExecutorResult } from '../lib/run-operation.js';

/**
 * `@momo/nx-dvc:pull`: downloads the data of the project's DVC files from the remote and checks it out.
 * Fails the task (`success: false`) when the operation fails; errors are printed with their hint.
 */
export default async function pullExecutor(options: TransferExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runOperation(fromContext('pull', options, context));
}
