import { setTimeout as sleep } from 'node:timers/promises';

/** Retry policy of a driver. */
export interface RetryOptions {
  /** Attempts after the first one. @default 3 */
  retries?: number;
  /** Delay before the first retry, doubled each time, with ±50% jitter. @default 100 */
  baseDelayMs?: number;
  /** Cap of one delay. @default 5000 */
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Called before each retry (for debug logs); must not throw. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Defaults shared by the drivers. */
export const DEFAULT_RETRY: Required<Pick<RetryOptions, 'retries' | 'baseDelayMs' | 'maxDelayMs'>> = {
  retries: 3,
  baseDelayMs: 100,
  maxDelayMs: 5000,
};

/** The delay before retry number `attempt` (1-based): base·2^(attempt-1), jittered, capped. */
export function computeBackoff(attempt: number, baseDelayMs: number, maxDelayMs: number, random = Math.random): number {
  const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp * (0.5 + random()));
}

/**
 * Runs `fn`, retrying when `isTransient(error)` says the failure may pass (connection reset, 5xx,
 * throttling) with exponential backoff. The last error is rethrown unchanged.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  isTransient: (error: unknown) => boolean,
  options: RetryOptions = {},
): Promise<T> {
  const retries = options.retries ?? DEFAULT_RETRY.retries;
  const base = options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= retries || options.signal?.aborted || !isTransient(e)) throw e;
      const delay = computeBackoff(attempt + 1, base, max);
      options.onRetry?.(e, attempt + 1, delay);
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : undefined);
    }
  }
}
