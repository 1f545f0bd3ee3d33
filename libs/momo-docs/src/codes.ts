/**
 * Error codes of @momo/docs. Codes are API: never rename one after release.
 * Each entry is the code and its one-line meaning.
 */
export const DOCS_CODES = {
  DOCS_REFERENCE_UNRESOLVED: 'a page would name a symbol, file or module that is not in the code graph',
  DOCS_INPUT_INVALID: 'the knowledge base, graph or vectors given to the generator are missing or inconsistent',
  DOCS_PARAM_INVALID: 'a generator option is out of range',
} as const;

export type DocsCode = keyof typeof DOCS_CODES;
