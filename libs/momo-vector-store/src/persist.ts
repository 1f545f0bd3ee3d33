import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { MomoError } from '@momo/errors';
import type { SaveVectorsResult, VectorMetric } from './types.js';
import { IDS_FILE, MANIFEST_FILE, VECTORS_FILE, VECTORS_FORMAT, VECTORS_FORMAT_VERSION } from './constants.js';
import { compareCodePoints } from '@momo/common';
import { writeFileAtomic } from '@momo/common';

/** The manifest written by every vector driver. Keys are written in this order. */
export interface VectorsManifest {
  format: typeof VECTORS_FORMAT;
  version: typeof VECTORS_FORMAT_VERSION;
  driver: string;
  dimension: number;
  metric: VectorMetric;
  count: number;
  /** Little-endian float32 rows, `count` x `dimension`. */
  dtype: 'float32-le';
  /** Driver parameters (hnsw: M, efConstruction, efSearch, seed); {} for exact. */
  params: Record<string, number>;
  /** Every data file with its size and sha256, keys sorted. */
  files: Record<string, { bytes: number; sha256: string }>;
}

/** What {@link readVectorDir} returns. */
export interface VectorDir {
  manifest: VectorsManifest;
  ids: string[];
  /** count x dimension, row i belongs to ids[i]. */
  vectors: Float32Array;
  /** Driver-specific files by name (e.g. hnsw.graph), already checksum-verified. */
  extra: Map<string, Buffer>;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Float32 rows as little-endian bytes (a copy on big-endian hosts). */
export function float32ToLeBytes(v: Float32Array): Buffer {
  const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (endianness() === 'LE') return b;
  const copy = Buffer.from(b);
  copy.swap32();
  return copy;
}

function leBytesToFloat32(b: Buffer): Float32Array {
  const copy = Buffer.alloc(b.length);
  b.copy(copy);
  if (endianness() === 'BE') copy.swap32();
  return new Float32Array(copy.buffer, copy.byteOffset, copy.length / 4);
}

/** ids.json bytes: a JSON array with one id per line. */
export function serializeIds(ids: readonly string[]): string {
  return ids.length === 0 ? '[]\n' : `[\n${ids.map((id) => JSON.stringify(id)).join(',\n')}\n]\n`;
}

/**
 * Writes `manifest.json`, `vectors.f32`, `ids.json` and any driver files to `dir`, each atomically,
 * the manifest last (so a crash leaves either the old manifest, whose checksums then fail, or the new one).
 */
export function writeVectorDir(options: {
  dir: string;
  driver: string;
  dimension: number;
  metric: VectorMetric;
  ids: readonly string[];
  vectors: Float32Array;
  params: Record<string, number>;
  extraFiles?: Record<string, Uint8Array>;
}): SaveVectorsResult {
  const { dir } = options;
  mkdirSync(dir, { recursive: true });
  const files: Record<string, Uint8Array> = {
    [IDS_FILE]: Buffer.from(serializeIds(options.ids), 'utf8'),
    [VECTORS_FILE]: float32ToLeBytes(options.vectors),
    ...(options.extraFiles ?? {}),
  };
  const names = Object.keys(files).sort(compareCodePoints);
  const fileInfo: VectorsManifest['files'] = {};
  for (const name of names) {
    writeFileAtomic(join(dir, name), files[name]);
    fileInfo[name] = { bytes: files[name].length, sha256: sha256(files[name]) };
  }
  const params: Record<string, number> = {};
  for (const k of Object.keys(options.params).sort(compareCodePoints)) params[k] = options.params[k];
  const manifest: VectorsManifest = {
    format: VECTORS_FORMAT,
    version: VECTORS_FORMAT_VERSION,
    driver: options.driver,
    dimension: options.dimension,
    metric: options.metric,
    count: options.ids.length,
    dtype: 'float32-le',
    params,
    files: fileInfo,
  };
  writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return { files: [...names, MANIFEST_FILE].sort(compareCodePoints), count: options.ids.length };
}

const HINT = 'Save the store again with store.save(dir), or restore the directory with `dvc checkout`.';

/** Reads and checks only `manifest.json` of a saved vector directory. @throws MomoError VECTOR_INDEX_INVALID */
export function readVectorManifest(dir: string): VectorsManifest {
  const fail = (message: string) => new MomoError('VECTOR_INDEX_INVALID', message, { hint: HINT, data: { dir } });
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw fail(`"${dir}" is not a saved vector store: ${MANIFEST_FILE} is missing`);
  let manifest: VectorsManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw fail(`"${manifestPath}" is not valid JSON: ${(e as Error).message}`);
  }
  if (manifest.format !== VECTORS_FORMAT || manifest.version !== VECTORS_FORMAT_VERSION || manifest.dtype !== 'float32-le') {
    throw fail(
      `"${manifestPath}" has format ${JSON.stringify(manifest.format)} version ${JSON.stringify(manifest.version)}, expected ${VECTORS_FORMAT} version ${VECTORS_FORMAT_VERSION} (float32-le)`,
    );
  }
  if (!Number.isInteger(manifest.dimension) || manifest.dimension < 1 || !Number.isInteger(manifest.count) || manifest.count < 0) {
    throw fail(`"${manifestPath}" has an invalid dimension or count`);
  }
  if (manifest.metric !== 'cosine' && manifest.metric !== 'dot') throw fail(`"${manifestPath}" has an unknown metric`);
  return manifest;
}

/**
 * Reads and verifies a saved vector directory: manifest format, every checksum, row count and ids.
 * Changes nothing. @throws MomoError VECTOR_INDEX_INVALID
 */
export function readVectorDir(dir: string): VectorDir {
  const manifest = readVectorManifest(dir);
  const fail = (message: string, extra: Record<string, unknown> = {}) =>
    new MomoError('VECTOR_INDEX_INVALID', message, { hint: HINT, data: { dir, ...extra } });
  const contents = new Map<string, Buffer>();
  for (const [name, info] of Object.entries(manifest.files ?? {})) {
    const p = join(dir, name);
    if (name.includes('/') || name.includes('\\') || !existsSync(p)) throw fail(`"${p}" listed in the manifest is missing`, { file: name });
    const bytes = readFileSync(p);
    const actual = sha256(bytes);
    if (actual !== info.sha256 || bytes.length !== info.bytes) {
      throw fail(`"${p}" does not match its manifest: sha256 ${actual}, expected ${info.sha256}`, { file: name });
    }
    contents.set(name, bytes);
  }
  const idsBytes = contents.get(IDS_FILE);
  const vecBytes = contents.get(VECTORS_FILE);
  if (!idsBytes || !vecBytes) throw fail(`"${dir}" must contain ${IDS_FILE} and ${VECTORS_FILE}`);
  let ids: unknown;
  try {
    ids = JSON.parse(idsBytes.toString('utf8'));
  } catch (e) {
    throw fail(`"${join(dir, IDS_FILE)}" is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(ids) || ids.length !== manifest.count || !ids.every((id) => typeof id === 'string' && id.length > 0)) {
    throw fail(`"${join(dir, IDS_FILE)}" must list ${manifest.count} non-empty string ids`);
  }
  if (new Set(ids).size !== ids.length) throw fail(`"${join(dir, IDS_FILE)}" lists an id twice`);
  if (vecBytes.length !== manifest.count * manifest.dimension * 4) {
    throw fail(`"${join(dir, VECTORS_FILE)}" has ${vecBytes.length} bytes, expected ${manifest.count} x ${manifest.dimension} x 4`);
  }
  contents.delete(IDS_FILE);
  contents.delete(VECTORS_FILE);
  return { manifest, ids: ids as string[], vectors: leBytesToFloat32(vecBytes), extra: contents };
}
