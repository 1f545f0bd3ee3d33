import { isMomoError, MomoError } from '@momo/errors';

/** DVC's `ERROR: <prefix> - <cause>` for commands that log their own failure (dvc/commands/*). */
export async function withPrefix<T>(prefix: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isMomoError(e) && e.code !== 'NOT_A_DVC_REPO' && !e.message.startsWith(prefix)) {
      const wrapped = new MomoError(e.code, `${prefix} - ${e.message}`, { hint: e.hint, data: e.data, exitCode: e.exitCode, cause: e });
      throw Object.assign(wrapped, { result: (e as { result?: unknown }).result });
    }
    throw e;
  }
}
