import type { ExecutorContext } from '@nx/devkit';
import type { CheckoutExecutorOptions } from '../lib/options.js';
import { fromContext, runOperation, type ExecutorResult } from '../lib/run-operation.js';

/**
 * `@momo/nx-dvc:checkout`: restores the data of the project's DVC files from the cache.
 * Fails the task (`success: false`) when the operation fails; errors are printed with their hint.
 */
export default async function checkoutExecutor(options: CheckoutExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runOperation(fromContext('checkout', options, context));
}
