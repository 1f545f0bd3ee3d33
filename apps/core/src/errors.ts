import { MomoError, EXIT, type MomoErrorOptions } from '@momo/errors';
import type { CoreCode } from './codes.js';

/** A MomoError whose code is registered in ./codes.ts. */
export function coreError(code: CoreCode, message: string, options: MomoErrorOptions = {}): MomoError {
  return new MomoError(code, message, options);
}

export { EXIT };
