export { MomoError, AggregateMomoError, InternalError, isMomoError, withOperation, EXIT } from './momo-error.js';
export type { MomoErrorOptions } from './momo-error.js';
