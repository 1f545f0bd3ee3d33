/**
 * A knowledge base whose `embedding_model` is a local ONNX model directory (the tiny model the
 * tests generate, see __fixtures__/tiny-onnx.ts): vectors are made by the model, the manifest
 * records it with its file hash, a reload searches with the same model, and a reload whose model
 * file changed is refused until the vectors are rebuilt.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tmpRepo, type TmpRepo } from '@momo/testing';
import { readVectorDir } from '@momo/vector-store';
import { polyglotTree } from '../__fixtures__/polyglot-repo.js';
import { embeddingText, KnowledgeBase } from '../knowledge-base.js';
import { writeTinyModelDir } from './__fixtures__/tiny-onnx.js';
import { createOnnxEmbedder } from './onnx-embedder.js';

const MODEL = 'models/tiny-model';

describe('KnowledgeBase with an ONNX embedding model', () => {
  let repo: TmpRepo;
  const kbs: KnowledgeBase[] = [];
  const create = (options: { out?: string } = {}) => {
    // the model directory lives in the repo (so embedding_model is a portable relative path) but is not ingested
    const kb = new KnowledgeBase({ root: repo.root, embeddingModel: MODEL, exclude: ['models', options.out ?? 'data'] });
    kbs.push(kb);
    return kb;
  };
  const build = async (kb: KnowledgeBase, out = 'data') => {
    await kb.ingest();
    await kb.buildVectors(join(repo.root, out, 'vectors'));
    await kb.buildGraphs(join(repo.root, out, 'graphs'));
    await kb.exportKnowledge(join(repo.root, out, 'knowledge-base'));
  };
  const load = async () => {
    const kb = await KnowledgeBase.load(join(repo.root, 'data', 'knowledge-base'), { root: repo.root });
    kbs.push(kb);
    return kb;
  };

  beforeEach(() => {
    repo = tmpRepo({ prefix: 'momo-kb-onnx-' });
    repo.gen(polyglotTree());
    writeTinyModelDir(join(repo.root, MODEL));
  });
  afterEach(async () => {
    for (const kb of kbs.splice(0)) await kb.close();
    repo.cleanup();
  });

  it('stores the vectors the model computes for each chunk, and records the model with its file hash', async () => {
    const kb = create();
    await build(kb);
    const embedder = (await kb.getEmbedder())!;
    const { ids, vectors, manifest: vm } = readVectorDir(join(repo.root, 'data', 'vectors'));
    const chunks = kb.getChunks();
    expect(ids).toEqual(chunks.map((c) => c.id));
    expect(vm.dimension).toBe(8);
    // against an independent session on the same directory
    const fresh = await createOnnxEmbedder({ path: join(repo.root, MODEL) });
    const expected = await fresh.embed(chunks.map(embeddingText));
    await fresh.close();
    expected.forEach((v, i) => expect(vectors.subarray(i * 8, (i + 1) * 8)).toEqual(v));

    const manifest = JSON.parse(readFileSync(join(repo.root, 'data', 'knowledge-base', 'manifest.json'), 'utf8'));
    const note = JSON.parse(readFileSync(join(repo.root, 'data', 'vectors', 'embedder.json'), 'utf8'));
    expect(manifest.params).toMatchObject({ embedding_model: MODEL, embedder: embedder.id });
    expect(note).toMatchObject({ embedder: embedder.id, dimension: 8 });
    expect(manifest.embedder_info).toMatchObject({
      kind: 'onnx',
      id: embedder.id,
      model: 'tiny-model',
      model_file: 'onnx/model.onnx',
      model_sha256: createHash('sha256').update(readFileSync(join(repo.root, MODEL, 'onnx/model.onnx'))).digest('hex'),
    });
  });

  it('writes byte-identical vectors on a second run', async () => {
    await build(create());
    await build(create({ out: 'again' }), 'again');
    for (const f of ['vectors.f32', 'ids.json', 'embedder.json']) {
      expect(readFileSync(join(repo.root, 'again', 'vectors', f)).equals(readFileSync(join(repo.root, 'data', 'vectors', f))), f).toBe(true);
    }
  });

  it('searches with the model, and a reloaded knowledge base gives the same hits', async () => {
    const kb = create();
    await build(kb);
    const hits = await kb.search('square area', { limit: 5, explain: true });
    expect(hits.slice(0, 3).map((h) => h.path)).toContain('libs/geometry/src/area.ts');
    // the vector component of the score is the model's cosine of query and chunk
    const embedder = (await kb.getEmbedder())!;
    const [q] = await embedder.embed(['square area']);
    const chunk = kb.getChunks().find((c) => c.id === hits[0].id)!;
    const [c] = await embedder.embed([embeddingText(chunk)]);
    const cos = q.reduce((s, x, i) => s + x * c[i], 0);
    expect(hits[0].explain!.vector).toBeCloseTo(Math.max(0, cos), 5);

    const loaded = await load();
    expect((await loaded.getEmbedder())!.id).toBe(embedder.id);
    expect(await loaded.search('square area', { limit: 5, explain: true })).toEqual(hits);
  });

  it('refuses to search a reloaded knowledge base whose model file changed, until its vectors are rebuilt', async () => {
    await build(create());
    // same shape, other weights (a re-exported or fine-tuned model at the same path)
    writeTinyModelDir(join(repo.root, MODEL), { seed: 2 });
    const loaded = await load();
    await expect(loaded.search('square area')).rejects.toMatchObject({
      code: 'EMBEDDING_MODEL_MISMATCH',
      message: expect.stringContaining(join(repo.root, 'data', 'vectors')),
    });
    // BM25 alone does not use the vectors
    expect((await loaded.search('square area', { mode: 'bm25' })).length).toBeGreaterThan(0);

    await loaded.ingest();
    await loaded.buildVectors(join(repo.root, 'data', 'vectors'));
    expect((await loaded.search('square area')).length).toBeGreaterThan(0);
    const note = JSON.parse(readFileSync(join(repo.root, 'data', 'vectors', 'embedder.json'), 'utf8'));
    expect(note.embedder).toBe((await loaded.getEmbedder())!.id);
  });

  it('refuses a reloaded knowledge base whose model now has another dimension', async () => {
    await build(create());
    writeTinyModelDir(join(repo.root, MODEL), { dim: 16 });
    const loaded = await load();
    const err = await loaded.search('square area').then(() => undefined, (e: unknown) => e as { code: string; message: string; hint: string });
    expect(err?.code).toBe('EMBEDDING_DIMENSION_MISMATCH');
    expect(err?.message.split(repo.root).join('<root>')).toMatch(
      /^the vectors in '<root>\/data\/vectors' have 8 dimensions \(embedder 'onnx:tiny-model:8:[0-9a-f]{16}', model sha256 [0-9a-f]{12}…\), but embedding model 'models\/tiny-model' gives 16 \(embedder 'onnx:tiny-model:16:[0-9a-f]{16}', model sha256 [0-9a-f]{12}…\)$/,
    );
    expect(err?.hint).toContain('momo kb ingest <root> --out <dir> --embedding-model models/tiny-model');
  });

  it('refuses a reloaded knowledge base whose model directory is gone, naming where it looked', async () => {
    await build(create());
    rmSync(join(repo.root, 'models'), { recursive: true });
    const loaded = await load();
    await expect(loaded.search('square area')).rejects.toMatchObject({ code: 'EMBEDDING_MODEL_NOT_FOUND', message: expect.stringContaining(join(repo.root, MODEL)) });
  });

  it('keeps a hash-v1 knowledge base of another size searchable after a reload', async () => {
    const kb = new KnowledgeBase({ root: repo.root, embeddingDimensions: 64, exclude: ['models', 'data'] });
    kbs.push(kb);
    await build(kb);
    const loaded = await load();
    expect((await loaded.getEmbedder())!.id).toBe('hash-v1:64');
    expect(await loaded.search('circle area', { explain: true })).toEqual(await kb.search('circle area', { explain: true }));
  });
});
