import { MomoError, EXIT, type MomoErrorOptions } from '@momo/errors';
import type { DvcErrorCode } from './codes.js';

/** Creates a MomoError whose code is registered in ./codes.ts. */
export function dvcError(code: DvcErrorCode, message: string, options: MomoErrorOptions = {}): MomoError {
  return new MomoError(code, message, options);
}

export { EXIT };
