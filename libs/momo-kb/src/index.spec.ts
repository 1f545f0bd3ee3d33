import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kb from './index.js';

const SRC = fileURLToPath(new URL('.', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== '__fixtures__') out.push(...sources(p));
    } else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) out.push(p);
  }
  return out;
}

describe('@momo/kb public surface', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(kb).sort()).toMatchInlineSnapshot(`
      [
        "BINARY_EXTENSIONS",
        "DEFAULT_CHUNK_OVERLAP",
        "DEFAULT_CHUNK_SIZE",
        "DEFAULT_EMBEDDING_DIMENSIONS",
        "DEFAULT_EMBEDDING_MODEL",
        "DEFAULT_MAX_FILE_BYTES",
        "DEFAULT_RANK_WEIGHTS",
        "GENERATED_DIRS",
        "GENERATED_FILES",
        "HashingEmbedder",
        "INTERNAL_DIRS",
        "KB_CHUNKS_FILE",
        "KB_CODES",
        "KB_DOCUMENTS_FILE",
        "KB_FILES_FILE",
        "KB_FORMAT_VERSION",
        "KB_MANIFEST_FILE",
        "KB_MODULES_FILE",
        "KB_SKIPPED_FILE",
        "KB_SYMBOLS_FILE",
        "KnowledgeBase",
        "OnnxEmbedder",
        "VENDORED_DIRS",
        "chunkFile",
        "createEmbedder",
        "createOnnxEmbedder",
        "embeddingText",
        "loadPythonParser",
        "parseMarkdown",
        "parsePython",
        "parseTypeScript",
        "splitIdentifier",
        "tokenize",
        "walkRepo",
      ]
    `);
  });

  it('registers every error code it throws, and throws every code it registers', () => {
    const text = sources(SRC).map((f) => readFileSync(f, 'utf8')).join('\n');
    const thrown = new Set([...text.matchAll(/new MomoError\(\s*'([A-Z_]+)'/g)].map((m) => m[1]));
    const registered = new Set(Object.keys(kb.KB_CODES));
    // USAGE_* codes belong to the CLI's vocabulary; everything else must be registered here
    expect([...thrown].filter((c) => !registered.has(c)).sort()).toEqual([]);
    expect([...registered].filter((c) => !thrown.has(c)).sort()).toEqual([]);
  });
});
