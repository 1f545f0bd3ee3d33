import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MomoError } from '@momo/errors';
import type { DocumentInput } from '@momo/store-document';
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
import type { ModuleCandidate } from '../modules/detect-modules.js';
import type { Chunk, CodeSymbol, KbLanguage, KbModule, SkipReport } from '../types.js';
import { emptySkipReport } from '../walk/walk-repo.js';
import type { FileLine, KbManifest } from './export-knowledge.js';

/** Everything {@link readKnowledgeFiles} reads back. */
export interface KnowledgeData {
  manifest: KbManifest;
  records: Map<string, FileRecord>;
  candidates: ModuleCandidate[];
  manifests: string[];
  documents: DocumentInput[];
  skipped: SkipReport;
  failures: Array<{ path: string; message: string }>;
}

function readText(dir: string, name: string): string {
  const p = join(dir, name);
  if (!existsSync(p)) {
    throw new MomoError('KB_CORRUPT', `'${p}' is missing from the knowledge base`, {
      hint: 'rebuild it with `momo kb ingest --out <dir>` (or `dvc pull` the data/knowledge-base output)',
      data: { path: p },
    });
  }
  return readFileSync(p, 'utf8');
}

function parseLines<T>(dir: string, name: string): T[] {
  const text = readText(dir, name);
  const out: T[] = [];
  let line = 0;
  for (const l of text.split('\n')) {
    line++;
    if (!l) continue;
    try {
      out.push(JSON.parse(l) as T);
    } catch (e) {
      throw new MomoError('KB_CORRUPT', `'${join(dir, name)}' line ${line} is not valid JSON: ${(e as Error).message}`, {
        hint: 'the export was damaged; rebuild it with `momo kb ingest --out <dir>`',
        data: { file: join(dir, name), line },
      });
    }
  }
  return out;
}

function parseJson<T>(dir: string, name: string): T {
  try {
    return JSON.parse(readText(dir, name)) as T;
  } catch (e) {
    if (e instanceof MomoError) throw e;
    throw new MomoError('KB_CORRUPT', `'${join(dir, name)}' is not valid JSON: ${(e as Error).message}`, {
      hint: 'the export was damaged; rebuild it with `momo kb ingest --out <dir>`',
      data: { file: join(dir, name) },
    });
  }
}

/**
 * Reads an exported knowledge base back into file records, module candidates and documents.
 * @throws KB_NOT_FOUND (no manifest), KB_FORMAT_UNSUPPORTED (other format version), KB_CORRUPT
 */
export function readKnowledgeFiles(dir: string): KnowledgeData {
  if (!existsSync(join(dir, KB_MANIFEST_FILE))) {
    throw new MomoError('KB_NOT_FOUND', `'${dir}' is not a knowledge base (no ${KB_MANIFEST_FILE})`, {
      hint: 'build one with `momo kb ingest <root> --out <dir>`, or pass the data/knowledge-base directory',
      data: { dir },
    });
  }
  const manifest = parseJson<KbManifest>(dir, KB_MANIFEST_FILE);
  if (manifest.format !== 'momo-kb' || manifest.version !== KB_FORMAT_VERSION) {
    throw new MomoError('KB_FORMAT_UNSUPPORTED', `'${join(dir, KB_MANIFEST_FILE)}' has format ${manifest.format} v${manifest.version}; this momo reads momo-kb v${KB_FORMAT_VERSION}`, {
      hint: 'rebuild the knowledge base with this version of momo',
      data: { format: manifest.format, version: manifest.version },
    });
  }
  const modules = parseJson<KbModule[]>(dir, KB_MODULES_FILE);
  const files = parseLines<FileLine>(dir, KB_FILES_FILE);
  const symbols = parseLines<CodeSymbol>(dir, KB_SYMBOLS_FILE);
  const chunks = parseLines<Chunk>(dir, KB_CHUNKS_FILE);
  const documents = parseLines<DocumentInput>(dir, KB_DOCUMENTS_FILE);
  const skippedRaw = parseJson<SkipReport & { failures?: Array<{ path: string; message: string }> }>(dir, KB_SKIPPED_FILE);
  const records = new Map<string, FileRecord>();
  for (const f of files) {
    records.set(f.path, {
      file: {
        path: f.path,
        language: f.language as KbLanguage,
        hash: f.hash,
        size: f.size,
        lines: f.lines,
        module: f.module,
        problems: f.problems.length,
      },
      parsed: { path: f.path, language: f.language as KbLanguage, symbols: [], imports: f.imports, calls: f.calls, problems: f.problems },
      chunks: [],
    });
  }
  for (const s of symbols) records.get(s.path)?.parsed.symbols.push(s);
  for (const c of chunks) records.get(c.path)?.chunks.push(c);
  const candidates: ModuleCandidate[] = modules.map((m) => ({
    name: m.name,
    root: m.root,
    kind: m.kind,
    source: m.source,
    description: m.description,
    aliases: m.aliases,
    entries: m.entryPoints ?? [],
    declaredDependencies: m.declaredDependencies ?? [],
  }));
  const skipped = emptySkipReport();
  Object.assign(skipped.counts, skippedRaw.counts ?? {});
  Object.assign(skipped.examples, skippedRaw.examples ?? {});
  return { manifest, records, candidates, manifests: manifest.module_manifests ?? [], documents, skipped, failures: skippedRaw.failures ?? [] };
}
