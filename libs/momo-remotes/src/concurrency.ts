/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep input order.
 * The first rejection rejects the whole call (calls already in flight are not awaited).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const width = Math.max(1, Math.min(limit, items.length));
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

/** Outcome of {@link settleLimit}: per-item results and the failed items with their errors. */
export interface SettledBatch<T, R> {
  /** Result per input index; `undefined` where the item failed. */
  results: Array<R | undefined>;
  /** `[item, error]` pairs in input order (STYLE: batch operations never stop at the first failure). */
  failures: Array<[T, unknown]>;
}

/**
 * Like {@link mapLimit}, but every item runs even when others fail: for pushes and fetches that
 * must finish what they can and report the failures together.
 */
export async function settleLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<SettledBatch<T, R>> {
  const results = new Array<R | undefined>(items.length);
  const failed = new Map<number, unknown>();
  await mapLimit(
    items,
    limit,
    async (item, i) => {
      try {
        results[i] = await fn(item, i);
      } catch (e) {
        failed.set(i, e);
      }
    },
    signal,
  );
  const failures: Array<[T, unknown]> = [...failed.keys()].sort((a, b) => a - b).map((i) => [items[i], failed.get(i)]);
  return { results, failures };
}
