import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MomoError } from '@momo/errors';
import { VECTORS_DATA_FILE, VECTORS_IDS_FILE, VECTORS_MANIFEST_FILE } from '../constants.js';
import { canonicalJsonPretty } from './canonical-json.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Vectors as the KB keeps them: one row-major float32 matrix, row i = chunk `ids[i]`. */
export interface ChunkVectors {
  embedderId: string;
  dimension: number;
  ids: string[];
  data: Float32Array;
}

/**
 * Writes chunk vectors: `manifest.json` (embedder, dimension, count), `ids.json` (row order) and
 * `vectors.f32` (little-endian float32, row-major). Rows follow chunk order (path, then line), so
 * the same chunks and embedder give byte-identical files.
 */
export async function saveVectors(args: ChunkVectors & { dir: string }): Promise<string[]> {
  const bytes = new Uint8Array(args.data.buffer, args.data.byteOffset, args.data.byteLength);
  writeFileAtomic(join(args.dir, VECTORS_DATA_FILE), bytes);
  writeFileAtomic(join(args.dir, VECTORS_IDS_FILE), `${JSON.stringify(args.ids)}\n`);
  writeFileAtomic(
    join(args.dir, VECTORS_MANIFEST_FILE),
    canonicalJsonPretty({ format: 'momo-kb-vectors', version: 1, embedder: args.embedderId, dimension: args.dimension, count: args.ids.length, metric: 'cosine', dtype: 'float32-le' }),
  );
  return [VECTORS_IDS_FILE, VECTORS_MANIFEST_FILE, VECTORS_DATA_FILE].sort();
}

/** Reads what {@link saveVectors} wrote; undefined when the directory has no vectors. */
export function loadVectors(dir: string): ChunkVectors | undefined {
  const mp = join(dir, VECTORS_MANIFEST_FILE);
  if (!existsSync(mp)) return undefined;
  try {
    const m = JSON.parse(readFileSync(mp, 'utf8')) as { embedder: string; dimension: number; count: number };
    const ids = JSON.parse(readFileSync(join(dir, VECTORS_IDS_FILE), 'utf8')) as string[];
    const buf = readFileSync(join(dir, VECTORS_DATA_FILE));
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    if (ids.length !== m.count || data.length !== m.count * m.dimension) throw new Error(`expected ${m.count}x${m.dimension} floats, found ${data.length}`);
    return { embedderId: m.embedder, dimension: m.dimension, ids, data };
  } catch (e) {
    throw new MomoError('KB_CORRUPT', `vectors in '${dir}' cannot be read: ${(e as Error).message}`, {
      hint: 'rebuild them with KnowledgeBase.buildVectors (momo kb ingest --out <dir>)',
      data: { dir },
    });
  }
}
