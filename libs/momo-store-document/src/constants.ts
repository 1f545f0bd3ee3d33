/** BM25 term-frequency saturation. */
export const BM25_K1 = 1.2;
/** BM25 length normalisation. */
export const BM25_B = 0.75;
/** Default number of search hits. */
export const DEFAULT_SEARCH_LIMIT = 10;
/** Tokens longer than this are dropped (base64 blobs, minified code). */
export const MAX_TOKEN_LENGTH = 64;
/** File name of the documents export. */
export const DOCUMENTS_FILE = 'documents.jsonl';
/** File name of the export manifest. */
export const MANIFEST_FILE = 'manifest.json';
/** `format` value of the documents export manifest. */
export const DOCUMENTS_EXPORT_FORMAT = 'momo-documents';
/** Version of the documents export format. */
export const DOCUMENTS_EXPORT_VERSION = 1;
