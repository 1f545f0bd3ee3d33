export { KnowledgeBase, embeddingText } from './knowledge-base.js';
export type {
  KnowledgeBaseOptions,
  IngestOptions,
  IngestResult,
  IngestFailure,
  KbSearchOptions,
  ModuleDescription,
  ModuleGraphResult,
  WriteResult,
} from './knowledge-base.js';
export type {
  KbLanguage,
  SymbolKind,
  CodeSymbol,
  ImportKind,
  ImportRef,
  CallRef,
  ParseProblem,
  ParsedFile,
  KbFile,
  Chunk,
  ModuleSource,
  KbModule,
  SkipReason,
  SkipReport,
  SearchHit,
} from './types.js';
export type { Embedder, EmbedderInfo } from './embed/embedder.js';
export { HashingEmbedder } from './embed/hashing-embedder.js';
export type { HashingEmbedderOptions } from './embed/hashing-embedder.js';
export { createEmbedder } from './embed/create-embedder.js';
export type { CreateEmbedderOptions } from './embed/create-embedder.js';
// the ONNX runtime itself is imported only inside createOnnxEmbedder
export { createOnnxEmbedder, OnnxEmbedder } from './embed/onnx-embedder.js';
export type { OnnxEmbedderOptions } from './embed/onnx-embedder.js';
export { DEFAULT_RANK_WEIGHTS } from './search/hybrid-search.js';
export type { RankWeights } from './search/hybrid-search.js';
export { walkRepo } from './walk/walk-repo.js';
export type { WalkRepoOptions, WalkRepoResult, WalkedFile } from './walk/walk-repo.js';
export { parseTypeScript } from './parse/parse-typescript.js';
export { parsePython, loadPythonParser } from './parse/parse-python.js';
export { parseMarkdown } from './parse/parse-markdown.js';
export { chunkFile } from './chunk/chunk-file.js';
export type { ChunkFileOptions } from './chunk/chunk-file.js';
export { tokenize, splitIdentifier } from './text/tokenize.js';
export { KB_CODES } from './codes.js';
export type { KbCode } from './codes.js';
export * from './constants.js';
