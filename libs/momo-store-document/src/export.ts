import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MomoError } from '@momo/errors';
import type { DocumentStore, JsonValue, StoredDocument } from './types.js';
import { DOCUMENTS_EXPORT_FORMAT, DOCUMENTS_EXPORT_VERSION, DOCUMENTS_FILE, MANIFEST_FILE } from './constants.js';
import { normalizeDocument } from './documents.js';
import { stringifyCanonical, writeFileAtomic } from '@momo/common';

/** Options of {@link exportDocuments}. */
export interface ExportDocumentsOptions {
  store: DocumentStore;
  /** Directory to write `documents.jsonl` and `manifest.json` into (created if missing). */
  dir: string;
  /** Documents fetched per `list` call. @default 2000 */
  pageSize?: number;
}

/** Result of {@link exportDocuments}. */
export interface ExportDocumentsResult {
  /** Files written, relative to `dir`, sorted. */
  files: string[];
  count: number;
  /** sha256 of documents.jsonl. */
  sha256: string;
}

/** Options of {@link importDocuments}. */
export interface ImportDocumentsOptions {
  store: DocumentStore;
  dir: string;
  /** Documents per `saveMany` call. @default 2000 */
  batchSize?: number;
}

/** Result of {@link importDocuments}. */
export interface ImportDocumentsResult {
  count: number;
  created: number;
  replaced: number;
}

/** The manifest written next to documents.jsonl. */
export interface DocumentsManifest {
  format: typeof DOCUMENTS_EXPORT_FORMAT;
  version: typeof DOCUMENTS_EXPORT_VERSION;
  count: number;
  files: { [DOCUMENTS_FILE]: { bytes: number; sha256: string } };
}

/**
 * One JSONL line for a document: keys in the fixed order id, title, content, metadata; metadata keys
 * sorted recursively; no whitespace; `\n` terminated.
 */
export function serializeDocumentLine(doc: StoredDocument): string {
  const parts = [`"id":${JSON.stringify(doc.id)}`];
  if (doc.title !== undefined) parts.push(`"title":${JSON.stringify(doc.title)}`);
  parts.push(`"content":${JSON.stringify(doc.content)}`);
  parts.push(`"metadata":${stringifyCanonical(doc.metadata as JsonValue)}`);
  return `{${parts.join(',')}}\n`;
}

/**
 * Writes every document of `store` as deterministic JSONL (sorted by id) plus a manifest with the
 * count and sha256. The same documents give byte-identical files, whatever the driver or insertion
 * order. Writes are atomic (temp file + rename).
 *
 * @example
 * await exportDocuments({ store, dir: 'data/knowledge-base/documents' });
 */
export async function exportDocuments(options: ExportDocumentsOptions): Promise<ExportDocumentsResult> {
  const { store, dir } = options;
  const pageSize = options.pageSize ?? 2000;
  mkdirSync(dir, { recursive: true });
  const target = join(dir, DOCUMENTS_FILE);
  const tmp = join(dir, `.${DOCUMENTS_FILE}.${process.pid}.tmp`);
  const hash = createHash('sha256');
  let bytes = 0;
  let count = 0;
  const fd = openSync(tmp, 'w');
  try {
    for (let offset = 0; ; offset += pageSize) {
      const page = await store.list({ offset, limit: pageSize });
      if (page.length > 0) {
        const chunk = Buffer.from(page.map(serializeDocumentLine).join(''), 'utf8');
        hash.update(chunk);
        bytes += chunk.length;
        count += page.length;
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      }
      if (page.length < pageSize) break;
    }
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  renameSync(tmp, target);
  const sha256 = hash.digest('hex');
  const manifest: DocumentsManifest = {
    format: DOCUMENTS_EXPORT_FORMAT,
    version: DOCUMENTS_EXPORT_VERSION,
    count,
    files: { [DOCUMENTS_FILE]: { bytes, sha256 } },
  };
  writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return { files: [DOCUMENTS_FILE, MANIFEST_FILE], count, sha256 };
}

/**
 * Reads an export written by {@link exportDocuments}, checks it against its manifest, validates every
 * document, and only then saves them into `store` (so a bad export changes nothing).
 *
 * @throws MomoError DOCUMENT_EXPORT_INVALID
 */
export async function importDocuments(options: ImportDocumentsOptions): Promise<ImportDocumentsResult> {
  const { store, dir } = options;
  const batchSize = options.batchSize ?? 2000;
  const manifestPath = join(dir, MANIFEST_FILE);
  const dataPath = join(dir, DOCUMENTS_FILE);
  const hint = 'Export again with exportDocuments(), or restore the directory with `dvc checkout`.';
  if (!existsSync(manifestPath) || !existsSync(dataPath)) {
    throw new MomoError('DOCUMENT_EXPORT_INVALID', `"${dir}" is not a documents export: expected ${MANIFEST_FILE} and ${DOCUMENTS_FILE}`, {
      hint,
      data: { dir },
    });
  }
  let manifest: Partial<DocumentsManifest>;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new MomoError('DOCUMENT_EXPORT_INVALID', `"${manifestPath}" is not valid JSON: ${(e as Error).message}`, { hint, cause: e });
  }
  if (manifest.format !== DOCUMENTS_EXPORT_FORMAT || manifest.version !== DOCUMENTS_EXPORT_VERSION) {
    throw new MomoError(
      'DOCUMENT_EXPORT_INVALID',
      `"${manifestPath}" has format ${JSON.stringify(manifest.format)} version ${JSON.stringify(manifest.version)}, expected ${DOCUMENTS_EXPORT_FORMAT} version ${DOCUMENTS_EXPORT_VERSION}`,
      { hint },
    );
  }
  const data = readFileSync(dataPath);
  const actual = createHash('sha256').update(data).digest('hex');
  const expected = manifest.files?.[DOCUMENTS_FILE]?.sha256;
  if (actual !== expected) {
    throw new MomoError('DOCUMENT_EXPORT_INVALID', `"${dataPath}" does not match its manifest: sha256 ${actual}, expected ${String(expected)}`, {
      hint,
      data: { expected, actual },
    });
  }
  const text = data.toString('utf8');
  const lines = text.length === 0 ? [] : text.replace(/\n$/, '').split('\n');
  const docs: StoredDocument[] = lines.map((line, i) => {
    try {
      return normalizeDocument(JSON.parse(line), i);
    } catch (e) {
      throw new MomoError('DOCUMENT_EXPORT_INVALID', `"${dataPath}" line ${i + 1}: ${(e as Error).message}`, { hint, cause: e, data: { line: i + 1 } });
    }
  });
  if (docs.length !== manifest.count) {
    throw new MomoError('DOCUMENT_EXPORT_INVALID', `"${dataPath}" holds ${docs.length} documents, its manifest says ${String(manifest.count)}`, { hint });
  }
  let created = 0;
  let replaced = 0;
  for (let i = 0; i < docs.length; i += batchSize) {
    const r = await store.saveMany(docs.slice(i, i + batchSize));
    created += r.created;
    replaced += r.replaced;
  }
  return { count: docs.length, created, replaced };
}
