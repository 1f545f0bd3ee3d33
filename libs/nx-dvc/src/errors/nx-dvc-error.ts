import { MomoError, EXIT, type MomoErrorOptions } from '@momo/errors';
import type { NxDvcErrorCode } from './codes.js';

/** Creates a MomoError whose code is registered in ./codes.ts. */
export function nxDvcError(code: NxDvcErrorCode, message: string, options: MomoErrorOptions = {}): MomoError {
  return new MomoError(code, message, options);
}

export { EXIT };
