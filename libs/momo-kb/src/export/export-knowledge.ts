import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredDocument } from '@momo/store-document';
import {
  KB_CHUNKS_FILE,
  KB_DOCUMENTS_FILE,
  KB_FILES_FILE,
  KB_FORMAT_VERSION,
  KB_MANIFEST_FILE,
  KB_MODULES_FILE,
  KB_SKIPPED_FILE,
  KB_SYMBOLS_FILE,
} from '../constants.js';
import type { FileRecord } from '../ingest/process-file.js';
import type { EmbedderInfo } from '../embed/embedder.js';
import type { KbModule, SkipReport } from '../types.js';
import { canonicalJsonPretty, toJsonLines } from './canonical-json.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** `manifest.json` of an exported knowledge base. */
export interface KbManifest {
  format: 'momo-kb';
  version: typeof KB_FORMAT_VERSION;
  params: {
    chunk_size: number;
    overlap: number;
    max_file_bytes: number;
    embedding_model: string;
    embedder: string;
    hold_out_doc_comments: boolean;
  };
  counts: { modules: number; files: number; symbols: number; chunks: number; documents: number };
  skipped: SkipReport['counts'];
  /** Vectors directory relative to this one, or null when not built. */
  vectors: string | null;
  /** Graphs directory relative to this one, or null when not built. */
  graphs: string | null;
  /**
   * What made the vectors: `{ kind, id, dimension, ... }`; for an ONNX model also its directory name,
   * model file, `model_sha256`, `tokenizer_sha256`, pooling and max length. Null without an embedder.
   * Absent in exports written before it existed.
   */
  embedder_info?: EmbedderInfo | null;
  /** Repo-relative paths of the manifests modules were detected from (package.json, project.json, ...). */
  module_manifests: string[];
  /** Root tsconfig `paths` aliases with repo-relative targets (used when a loaded KB re-links). */
  path_aliases: Array<{ pattern: string; targets: string[] }>;
}

/** One line of `files.jsonl`. */
export interface FileLine {
  path: string;
  language: string;
  hash: string;
  size: number;
  lines: number;
  module: string;
  problems: Array<{ line: number; message: string }>;
  imports: FileRecord['parsed']['imports'];
  calls: FileRecord['parsed']['calls'];
}

const KB_FILES = [KB_MANIFEST_FILE, KB_MODULES_FILE, KB_FILES_FILE, KB_SYMBOLS_FILE, KB_CHUNKS_FILE, KB_DOCUMENTS_FILE, KB_SKIPPED_FILE];

/**
 * Writes the knowledge base as canonical JSON (sorted keys) and JSON Lines, rows sorted by path
 * then line, no timestamps or absolute paths: the same inputs give byte-identical files. Files
 * this format does not own are removed from `dir`, so the directory is exactly the export.
 */
export function exportKnowledgeFiles(args: {
  dir: string;
  manifest: KbManifest;
  records: Map<string, FileRecord>;
  modules: KbModule[];
  documents: StoredDocument[];
  skipped: SkipReport;
  failures: Array<{ path: string; message: string }>;
}): string[] {
  const { dir, records } = args;
  mkdirSync(dir, { recursive: true });
  const files: FileLine[] = [];
  const symbols: unknown[] = [];
  const chunks: unknown[] = [];
  for (const [path, r] of records) {
    files.push({
      path,
      language: r.file.language,
      hash: r.file.hash,
      size: r.file.size,
      lines: r.file.lines,
      module: r.file.module,
      problems: r.parsed.problems,
      imports: r.parsed.imports,
      calls: r.parsed.calls,
    });
    for (const s of r.parsed.symbols) symbols.push(s);
    for (const c of r.chunks) chunks.push(c);
  }
  const manifest = { ...args.manifest, counts: { ...args.manifest.counts, symbols: symbols.length, chunks: chunks.length } };
  const documents = [...args.documents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  writeFileAtomic(join(dir, KB_MODULES_FILE), canonicalJsonPretty(args.modules));
  writeFileAtomic(join(dir, KB_FILES_FILE), toJsonLines(files));
  writeFileAtomic(join(dir, KB_SYMBOLS_FILE), toJsonLines(symbols));
  writeFileAtomic(join(dir, KB_CHUNKS_FILE), toJsonLines(chunks));
  writeFileAtomic(join(dir, KB_DOCUMENTS_FILE), toJsonLines(documents));
  writeFileAtomic(join(dir, KB_SKIPPED_FILE), canonicalJsonPretty({ ...args.skipped, failures: args.failures }));
  // the manifest goes last: a reader that sees it sees a complete export
  writeFileAtomic(join(dir, KB_MANIFEST_FILE), canonicalJsonPretty(manifest));
  for (const f of readdirSync(dir)) if (!KB_FILES.includes(f)) rmSync(join(dir, f), { recursive: true, force: true });
  return [...KB_FILES].sort();
}
