import { withOperation, isMomoError } from '@momo/errors';
import { Repo } from '../repo/repo.js';
import { relative } from 'node:path';
import { fetchInRepo, selectWorkspaceOuts, type TransferOptions, type TransferResult } from './push.js';
import { checkoutInRepo, type CheckoutResult } from './checkout.js';

export interface PullOptions extends TransferOptions {
  /** overwrite workspace changes without asking */
  force?: boolean;
  /** do not fail on outputs whose data cannot be had */
  allowMissing?: boolean;
}

export interface PullResult {
  fetch: TransferResult;
  checkout: CheckoutResult;
}

/**
 * `fetch` then `checkout` of the same targets, like `dvc pull` (dvc/repo/pull.py). A partial
 * fetch still checks out what arrived, then reports the failure.
 * @throws FETCH_FAILED, CHECKOUT_FAILED (with `result` carrying what was done)
 */
export async function pull(opts: PullOptions): Promise<PullResult> {
  return withOperation('pull', () =>
    Repo.withRepo(opts, 'write', async (repo) => {
      let fetched: TransferResult;
      let fetchError: unknown;
      try {
        fetched = await fetchInRepo(repo, opts);
      } catch (e) {
        if (!isMomoError(e, 'FETCH_FAILED')) throw e;
        fetchError = e;
        fetched = (e as unknown as { result: TransferResult }).result;
      }
      let co: CheckoutResult;
      try {
        // `-d`/`-R` widen the checkout like the fetch (dvc/repo/pull.py passes them to both): the
        // selected outputs are handed to checkout by path
        const widened = opts.targets?.length && (opts.withDeps || opts.recursive) ? selectWorkspaceOuts(repo, opts).map((o) => relative(opts.cwd, o.abs) || '.') : [];
        co = await checkoutInRepo(repo, { ...opts, targets: widened.length ? widened : opts.targets, force: opts.force, allowMissing: opts.allowMissing });
      } catch (e) {
        if (isMomoError(e)) Object.assign(e, { result: { fetch: fetched, checkout: (e as unknown as { result?: CheckoutResult }).result } });
        throw fetchError ?? e;
      }
      if (fetchError) {
        Object.assign(fetchError as object, { result: { fetch: fetched, checkout: co } });
        throw fetchError;
      }
      return { fetch: fetched, checkout: co };
    }),
  );
}
