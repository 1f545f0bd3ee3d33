import { createHash } from 'node:crypto';
import { MomoError } from '@momo/errors';
import type { DocumentInput, DocumentMetadata, JsonValue, StoredDocument } from './types.js';
import { cloneJson, stringifyCanonical } from '@momo/common';

const METADATA_KEYS = new Set(['source', 'category', 'tags', 'custom']);

function invalid(message: string, data: Record<string, unknown> = {}): MomoError {
  return new MomoError('DOCUMENT_INVALID', message, {
    hint: 'A document is { id?, title?, content, metadata?: { source?, category?, tags?, custom? } }; put other fields in metadata.custom.',
    data,
  });
}

/**
 * The id a document without one gets: `doc-` + the first 32 hex digits of the sha256 of its
 * canonical JSON (title, content, metadata). Same input, same id, on every machine.
 */
export function computeDocumentId(doc: Omit<DocumentInput, 'id'>): string {
  const canonical = stringifyCanonical({
    content: doc.content,
    metadata: (doc.metadata ?? {}) as JsonValue,
    ...(doc.title !== undefined ? { title: doc.title } : {}),
  });
  return `doc-${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
}

/**
 * Validates a document and returns the normalised stored form (deep copy, fixed key order, id filled in).
 *
 * @throws MomoError DOCUMENT_INVALID
 */
export function normalizeDocument(input: unknown, index = 0): StoredDocument {
  const where = `document #${index}`;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalid(`${where} is not an object`, { index });
  const doc = input as DocumentInput;
  const label = typeof doc.id === 'string' ? `document "${doc.id}"` : where;
  if (doc.id !== undefined && (typeof doc.id !== 'string' || doc.id.length === 0 || doc.id.length > 1024)) {
    throw invalid(`${where} has id ${JSON.stringify(doc.id)}, expected a non-empty string of at most 1024 characters`, { index });
  }
  if (typeof doc.content !== 'string') throw invalid(`${label} has no content string`, { index });
  if (doc.title !== undefined && typeof doc.title !== 'string') throw invalid(`${label} has a non-string title`, { index });
  const metadata: DocumentMetadata = {};
  const meta = doc.metadata;
  if (meta !== undefined) {
    if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) throw invalid(`${label}: metadata must be an object`, { index });
    for (const [k, v] of Object.entries(meta)) {
      if (v === undefined) continue;
      if (!METADATA_KEYS.has(k)) throw invalid(`${label}: metadata key "${k}" is not one of source, category, tags, custom (move it under metadata.custom)`, { index, key: k });
    }
    if (meta.source !== undefined) {
      if (typeof meta.source !== 'string') throw invalid(`${label}: metadata.source must be a string`, { index });
      metadata.source = meta.source;
    }
    if (meta.category !== undefined) {
      if (typeof meta.category !== 'string') throw invalid(`${label}: metadata.category must be a string`, { index });
      metadata.category = meta.category;
    }
    if (meta.tags !== undefined) {
      if (!Array.isArray(meta.tags) || !meta.tags.every((t) => typeof t === 'string')) {
        throw invalid(`${label}: metadata.tags must be an array of strings`, { index });
      }
      metadata.tags = [...meta.tags];
    }
    if (meta.custom !== undefined) {
      if (meta.custom === null || typeof meta.custom !== 'object' || Array.isArray(meta.custom)) {
        throw invalid(`${label}: metadata.custom must be an object`, { index });
      }
      const r = cloneJson(meta.custom, 'metadata.custom');
      if (!r.ok) throw invalid(`${label}: ${r.problem}`, { index });
      metadata.custom = r.value as { [key: string]: JsonValue };
    }
  }
  const id = doc.id ?? computeDocumentId({ title: doc.title, content: doc.content, metadata });
  return doc.title !== undefined
    ? { id, title: doc.title, content: doc.content, metadata }
    : { id, content: doc.content, metadata };
}

/** A deep copy safe to hand to callers. */
export function copyDocument(doc: StoredDocument): StoredDocument {
  return structuredClone(doc);
}
