/**
 * Error codes of @momo/kb. Codes are API: never rename one after release.
 * Each entry is the code and its one-line meaning.
 */
export const KB_CODES = {
  KB_ROOT_NOT_FOUND: 'the directory to ingest does not exist or is not a directory',
  KB_NOT_FOUND: 'the knowledge-base directory to load has no manifest',
  KB_FORMAT_UNSUPPORTED: 'the exported knowledge base was written by an incompatible format version',
  KB_CORRUPT: 'an exported knowledge-base file cannot be parsed',
  KB_PARAM_INVALID: 'an ingestion or search parameter is out of range',
  KB_MODULE_NOT_FOUND: 'no module of that name is in the knowledge base',
  KB_DOCUMENT_INVALID: 'a document passed to save() lacks content or has a bad id',
  EMBEDDING_MODEL_NOT_FOUND: 'the embedding model named by embedding_model is not on disk',
  EMBEDDING_DIMENSION_MISMATCH: 'stored vectors and the embedder disagree on the dimension',
  EMBEDDING_MODEL_INVALID: 'the embedding model on disk cannot be used (unreadable file, unexpected graph inputs or outputs, unsupported pooling)',
  EMBEDDING_MODEL_MISMATCH: 'stored vectors were made by another embedder (model file, tokenizer or settings) than the one searching them',
  DEPENDENCY_MISSING: 'an optional package needed for this feature is not installed',
} as const;

export type KbCode = keyof typeof KB_CODES;
