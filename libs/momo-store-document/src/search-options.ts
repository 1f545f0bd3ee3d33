import { MomoError } from '@momo/errors';
import { DEFAULT_SEARCH_LIMIT } from './constants.js';
import type { DocumentSearchOptions, ListDocumentsOptions } from './types.js';

function invalid(message: string): MomoError {
  return new MomoError('DOCUMENT_SEARCH_OPTIONS_INVALID', message, {
    hint: 'Use { limit: 10, threshold: 0 } for search and { limit, offset } (non-negative integers) for list.',
  });
}

/** Validated search options with defaults applied. */
export function resolveSearchOptions(options: DocumentSearchOptions = {}): { limit: number; threshold: number } {
  const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
  const threshold = options.threshold ?? 0;
  if (!Number.isInteger(limit) || limit < 0) throw invalid(`search limit is ${String(options.limit)}, expected an integer >= 0`);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw invalid(`search threshold is ${String(options.threshold)}, expected a number`);
  return { limit, threshold };
}

/** Validated list options with defaults applied. */
export function resolveListOptions(options: ListDocumentsOptions = {}): { limit: number; offset: number } {
  const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
  const offset = options.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 0) throw invalid(`list limit is ${String(options.limit)}, expected an integer >= 0`);
  if (!Number.isInteger(offset) || offset < 0) throw invalid(`list offset is ${String(options.offset)}, expected an integer >= 0`);
  return { limit, offset };
}
