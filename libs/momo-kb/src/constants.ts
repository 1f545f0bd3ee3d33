/** Format version written into every exported manifest; bump on any incompatible change. */
export const KB_FORMAT_VERSION = 1;

/** File names of the exported knowledge base (`data/knowledge-base/`). */
export const KB_MANIFEST_FILE = 'manifest.json';
export const KB_MODULES_FILE = 'modules.json';
export const KB_FILES_FILE = 'files.jsonl';
export const KB_SYMBOLS_FILE = 'symbols.jsonl';
export const KB_CHUNKS_FILE = 'chunks.jsonl';
export const KB_DOCUMENTS_FILE = 'documents.jsonl';
export const KB_SKIPPED_FILE = 'skipped.json';

/** Defaults of the ingestion params (`kb_config.*` in params.yaml). */
export const DEFAULT_CHUNK_SIZE = 1500;
export const DEFAULT_CHUNK_OVERLAP = 200;
export const DEFAULT_MAX_FILE_BYTES = 1_000_000;
export const DEFAULT_EMBEDDING_MODEL = 'hash-v1';
export const DEFAULT_EMBEDDING_DIMENSIONS = 256;

/** Directory names that hold third-party code; skipped with reason `vendored`. */
export const VENDORED_DIRS = new Set([
  'node_modules',
  'bower_components',
  'vendor',
  'third_party',
  'third-party',
  '.venv',
  'venv',
  'site-packages',
  '.yarn',
  '.pnpm-store',
]);

/** Directory names that hold build output or caches; skipped with reason `generated`. */
export const GENERATED_DIRS = new Set([
  'dist',
  'build',
  'out',
  'coverage',
  '__pycache__',
  '.next',
  '.nuxt',
  '.nx',
  '.turbo',
  '.cache',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.tox',
  '.parcel-cache',
  '.svelte-kit',
  'target',
]);

/** Directories that are never walked and never counted (VCS and DVC internals). */
export const INTERNAL_DIRS = new Set(['.git', '.hg', '.svn', '.dvc']);

/** File names that are generated even though their extension is textual. */
export const GENERATED_FILES = new Set([
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'poetry.lock',
  'uv.lock',
  'Cargo.lock',
  'bun.lockb',
  'dvc.lock',
]);

/** Extensions of binary formats, skipped without reading. */
export const BINARY_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'webp', 'tiff', 'psd', 'pdf', 'zip', 'gz', 'tgz', 'bz2', 'xz',
  'zst', '7z', 'rar', 'tar', 'jar', 'war', 'class', 'so', 'dylib', 'dll', 'exe', 'o', 'a', 'lib', 'bin',
  'wasm', 'node', 'pyc', 'pyo', 'whl', 'egg', 'parquet', 'feather', 'arrow', 'h5', 'hdf5', 'npy', 'npz',
  'pkl', 'pickle', 'pt', 'pth', 'onnx', 'ckpt', 'safetensors', 'db', 'sqlite', 'duckdb', 'mp3', 'mp4',
  'wav', 'ogg', 'flac', 'mov', 'avi', 'mkv', 'webm', 'ttf', 'otf', 'woff', 'woff2', 'eot', 'f32',
]);
