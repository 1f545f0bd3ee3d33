import { expect } from 'vitest';
import { isMomoError } from '@momo/errors';

/** Awaits `promise` and asserts it rejects with a MomoError carrying `code`; returns the error. */
export async function expectMomoCode(promise: Promise<unknown>, code: string): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    expect(isMomoError(e), `expected a MomoError, got ${String(e)}`).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    return e as Error;
  }
  throw new Error(`expected a rejection with code ${code}, but the promise resolved`);
}
