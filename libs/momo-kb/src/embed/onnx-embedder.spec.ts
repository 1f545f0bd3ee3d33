/**
 * The ONNX embedder against a real ONNX Runtime session: the tests write a tiny BERT-shaped model
 * (a Gather over a 30 x 8 embedding table plus a token-type row, see __fixtures__/tiny-onnx.ts)
 * and a WordPiece tokenizer.json, so every expected vector is computed by hand from the table.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tmpRepo, type TmpRepo } from '@momo/testing';
import { ONNX_INT32, TINY_VOCAB, writeTinyModelDir, type TinyModel, type WriteTinyModelDirOptions } from './__fixtures__/tiny-onnx.js';
import { createEmbedder } from './create-embedder.js';
import { createOnnxEmbedder, type OnnxEmbedder } from './onnx-embedder.js';

/** Hand computation: pooled rows of the table (word row + token-type row 0), L2-normalised, in float64. */
function expectedVector(model: TinyModel, ids: number[], mode: 'mean' | 'cls' = 'mean'): number[] {
  const d = model.dim;
  const rows = mode === 'cls' ? ids.slice(0, 1) : ids;
  const acc = new Array<number>(d).fill(0);
  for (const id of rows) for (let j = 0; j < d; j++) acc[j] += model.wordTable[id * d + j] + (model.usesTokenTypes ? model.typeTable[j] : 0);
  const mean = acc.map((x) => x / rows.length);
  const norm = Math.hypot(...mean);
  return mean.map((x) => x / norm);
}

function expectClose(actual: Float32Array, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i]), `component ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThan(1e-6);
}

const id = (token: string) => TINY_VOCAB.indexOf(token);

describe('OnnxEmbedder on a generated BERT-shaped model', () => {
  let repo: TmpRepo;
  const open: OnnxEmbedder[] = [];
  const load = async (dir: string, options: { batchSize?: number } = {}) => {
    const e = await createOnnxEmbedder({ path: dir, ...options });
    open.push(e);
    return e;
  };
  const modelDir = (name: string, options: WriteTinyModelDirOptions = {}) => {
    const dir = join(repo.root, name);
    return { dir, model: writeTinyModelDir(dir, options) };
  };

  beforeEach(() => {
    repo = tmpRepo({ prefix: 'momo-onnx-' });
  });
  afterEach(async () => {
    for (const e of open.splice(0)) await e.close();
    repo.cleanup();
  });

  it('tokenises with the WordPiece tokenizer.json, adding [CLS] and [SEP]', async () => {
    const { dir } = modelDir('tiny-model');
    const e = await load(dir);
    // against the vocabulary the fixture wrote: parse the config file ##s
    expect(e.encode('Parse the CONFIG files')).toEqual([id('[CLS]'), id('parse'), id('the'), id('config'), id('file'), id('##s'), id('[SEP]')]);
    expect(e.encode('')).toEqual([id('[CLS]'), id('[SEP]')]);
  });

  it('embeds a text as the normalised masked mean of its token rows, with the graph dimension', async () => {
    const { dir, model } = modelDir('tiny-model');
    const e = await load(dir);
    const [v] = await e.embed(['parse the config files']);
    expect(e.dimension).toBe(8);
    expectClose(v, expectedVector(model, e.encode('parse the config files')));
    expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-6);
  });

  it('gives each text the same vector alone as in a padded batch, in input order', async () => {
    const { dir } = modelDir('tiny-model');
    const texts = ['push pull data set get hash node tree search index', 'parse', 'the remote cache', 'vector model query', 'parse'];
    const e = await load(dir);
    const batched = await e.embed(texts);
    const small = await (await load(dir, { batchSize: 2 })).embed(texts);
    const single: Float32Array[] = [];
    for (const t of texts) single.push((await e.embed([t]))[0]);
    // the [PAD] row of the table is not zero: an unmasked mean over a padded batch would differ
    expect(batched).toEqual(single);
    expect(small).toEqual(single);
    expect(batched[1]).toEqual(batched[4]);
    expect(batched[0]).not.toEqual(batched[1]);
  });

  it('truncates to the model max length, keeping [CLS] and [SEP]', async () => {
    const { dir, model } = modelDir('short-model', { maxLength: 6 });
    const e = await load(dir);
    expect(e.maxLength).toBe(6);
    const ids = e.encode('parse the config file read write remote');
    expect(ids).toEqual([id('[CLS]'), id('parse'), id('the'), id('config'), id('file'), id('[SEP]')]);
    const [long, cut] = await e.embed(['parse the config file read write remote', 'parse the config file']);
    expectClose(long, expectedVector(model, ids));
    expect(long).toEqual(cut);
  });

  it('is deterministic: a second load gives the same id and the same vectors', async () => {
    const { dir } = modelDir('tiny-model');
    const a = await load(dir);
    const b = await load(dir);
    expect(b.id).toBe(a.id);
    expect(await b.embed(['remote cache', 'hash tree'])).toEqual(await a.embed(['remote cache', 'hash tree']));
  });

  it('names the model and its file hash in the id and the description', async () => {
    const { dir } = modelDir('tiny-model');
    const e = await load(dir);
    const sha = createHash('sha256').update(readFileSync(join(dir, 'onnx/model.onnx'))).digest('hex');
    expect(e.id).toMatch(/^onnx:tiny-model:8:[0-9a-f]{16}$/);
    expect(e.describe()).toEqual({
      kind: 'onnx',
      id: e.id,
      dimension: 8,
      model: 'tiny-model',
      model_file: 'onnx/model.onnx',
      model_sha256: sha,
      tokenizer_sha256: createHash('sha256').update(readFileSync(join(dir, 'tokenizer.json'))).digest('hex'),
      pooling: 'mean',
      max_length: 512,
      output: 'last_hidden_state',
      inputs: ['input_ids', 'attention_mask', 'token_type_ids'],
    });
    // another model file of the same shape is another embedder
    writeTinyModelDir(dir, { seed: 2 });
    expect((await load(dir)).id).not.toBe(e.id);
  });

  it('pools as 1_Pooling/config.json says (CLS token)', async () => {
    const { dir, model } = modelDir('cls-model', { pooling: { cls: true } });
    const e = await load(dir);
    const [v] = await e.embed(['remote cache data']);
    expectClose(v, expectedVector(model, e.encode('remote cache data'), 'cls'));
    expect(e.describe().pooling).toBe('cls');
  });

  it('concatenates several pooling modes as sentence-transformers does (cls, then mean)', async () => {
    const { dir, model } = modelDir('cls-mean-model', { pooling: { cls: true, mean: true } });
    const e = await load(dir);
    const ids = e.encode('search index');
    const [v] = await e.embed(['search index']);
    expect(e.dimension).toBe(16);
    // against the table: [CLS] row, then the mean row, normalised together (Normalize follows Pooling)
    const d = model.dim;
    const cls = Array.from({ length: d }, (_, j) => model.wordTable[ids[0] * d + j] + model.typeTable[j]);
    const mean = Array.from({ length: d }, (_, j) => ids.reduce((s, i) => s + model.wordTable[i * d + j] + model.typeTable[j], 0) / ids.length);
    const both = [...cls, ...mean];
    const n = Math.hypot(...both);
    expectClose(v, both.map((x) => x / n));
  });

  it('feeds only the inputs the graph declares (no token_type_ids)', async () => {
    const { dir, model } = modelDir('no-types', { inputs: ['input_ids', 'attention_mask'], modelFile: 'model.onnx' });
    const e = await load(dir);
    expect(e.describe().inputs).toEqual(['input_ids', 'attention_mask']);
    const [v] = await e.embed(['hash node']);
    expectClose(v, expectedVector(model, e.encode('hash node')));
  });

  it('feeds int32 ids to a graph that declares them, and without an attention mask batches only equal lengths', async () => {
    const { dir, model } = modelDir('int32-ids', { inputs: ['input_ids'], inputType: ONNX_INT32 });
    const e = await load(dir);
    const texts = ['square area', 'push', 'the remote cache data', 'pull'];
    const batched = await e.embed(texts);
    for (let i = 0; i < texts.length; i++) expectClose(batched[i], expectedVector(model, e.encode(texts[i])));
  });

  it('uses an already pooled sentence_embedding output as it is (normalised)', async () => {
    const { dir, model } = modelDir('pooled', { inputs: ['input_ids'], pooledOutput: true, outputName: 'sentence_embedding' });
    const e = await load(dir);
    const [v] = await e.embed(['query model']);
    expectClose(v, expectedVector(model, e.encode('query model')));
    expect(e.describe()).toMatchObject({ output: 'sentence_embedding', pooling: 'model' });
  });

  it('loads the model when embedding_model names the directory relative to the root, or the .onnx file', async () => {
    const { dir } = modelDir('models/tiny-model');
    const byDir = await createEmbedder({ model: 'models/tiny-model', dimension: 256, root: repo.root });
    const byFile = await createEmbedder({ model: join(dir, 'onnx/model.onnx'), dimension: 256, root: repo.root });
    const byName = await createEmbedder({ model: 'tiny-model', dimension: 256, root: repo.root, modelsDir: join(repo.root, 'models') });
    open.push(byDir as OnnxEmbedder, byFile as OnnxEmbedder, byName as OnnxEmbedder);
    expect(byDir?.id).toMatch(/^onnx:tiny-model:8:/);
    expect(byFile?.id).toBe(byDir?.id);
    expect(byName?.id).toBe(byDir?.id);
  });

  describe('refuses a model it cannot use, naming the path and the next step', () => {
    const normalise = (e: unknown, dir: string) => {
      const err = e as { code: string; message: string; hint: string };
      return { code: err.code, message: err.message.split(dir).join('<dir>'), hint: err.hint.split(dir).join('<dir>') };
    };
    const failure = async (dir: string) => normalise(await createOnnxEmbedder({ path: dir }).then(() => undefined, (e: unknown) => e), dir);

    it('a missing directory', async () => {
      expect(await failure(join(repo.root, 'nope'))).toMatchInlineSnapshot(`
        {
          "code": "EMBEDDING_MODEL_NOT_FOUND",
          "hint": "copy a sentence-transformers model directory with its ONNX export there (for all-MiniLM-L6-v2: onnx/model.onnx, tokenizer.json, tokenizer_config.json, config.json, 1_Pooling/config.json from its Hugging Face repository), or set kb_config.embedding_model to 'hash-v1' (built in, offline)",
          "message": "embedding model directory '<dir>' does not exist",
        }
      `);
    });

    it('a directory without model.onnx', async () => {
      const { dir } = modelDir('no-model', { omit: ['model'] });
      expect(await failure(dir)).toMatchInlineSnapshot(`
        {
          "code": "EMBEDDING_MODEL_NOT_FOUND",
          "hint": "put the model's ONNX export there as onnx/model.onnx (e.g. \`optimum-cli export onnx --task feature-extraction --model <model> <dir>\` where the model is available), or name the .onnx file itself in embedding_model",
          "message": "no ONNX model in '<dir>' (looked for 'model.onnx' and 'onnx/model.onnx')",
        }
      `);
    });

    it('a directory without tokenizer.json', async () => {
      const { dir } = modelDir('no-tokenizer', { omit: ['tokenizer.json'] });
      expect(await failure(dir)).toMatchInlineSnapshot(`
        {
          "code": "EMBEDDING_MODEL_NOT_FOUND",
          "hint": "copy the model's tokenizer.json (the Hugging Face fast-tokenizer file, next to config.json in its repository) into that directory",
          "message": "the embedding model in '<dir>' has no tokenizer ('<dir>/tokenizer.json' is missing)",
        }
      `);
    });

    it('a graph with an input it cannot feed', async () => {
      const { dir } = modelDir('position-ids', { inputs: ['input_ids', 'attention_mask', 'position_ids'] });
      expect(await failure(dir)).toMatchInlineSnapshot(`
        {
          "code": "EMBEDDING_MODEL_INVALID",
          "hint": "export the model for feature extraction (optimum-cli export onnx --task feature-extraction), which takes only these inputs",
          "message": "the graph in '<dir>/onnx/model.onnx' has unexpected input 'position_ids' (inputs: 'input_ids', 'attention_mask', 'position_ids'); momo feeds only input_ids, attention_mask, token_type_ids",
        }
      `);
    });

    it('a graph without an embedding output', async () => {
      const { dir } = modelDir('logits', { outputName: 'logits', extraOutputs: ['hidden_states'] });
      expect(await failure(dir)).toMatchInlineSnapshot(`
        {
          "code": "EMBEDDING_MODEL_INVALID",
          "hint": "export the base model for feature extraction (optimum-cli export onnx --task feature-extraction), not a task head such as a classifier",
          "message": "the graph in '<dir>/onnx/model.onnx' has no embedding output (outputs: 'logits', 'hidden_states'); expected one of 'last_hidden_state', 'token_embeddings', 'sentence_embedding'",
        }
      `);
    });

    it('a file that is not an ONNX model', async () => {
      const { dir } = modelDir('garbage');
      writeFileSync(join(dir, 'onnx/model.onnx'), 'version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 90000000\n');
      const f = await failure(dir);
      expect(f.code).toBe('EMBEDDING_MODEL_INVALID');
      expect(f.message).toMatch(/^'<dir>\/onnx\/model.onnx' is not a loadable ONNX model: /);
    });

    it('a tokenizer.json that is not JSON', async () => {
      const { dir } = modelDir('bad-tokenizer');
      writeFileSync(join(dir, 'tokenizer.json'), '{ "model": ');
      const f = await failure(dir);
      expect(f.code).toBe('EMBEDDING_MODEL_INVALID');
      expect(f.message).toMatch(/^'<dir>\/tokenizer.json' is not valid JSON/);
    });

    it('a pooling config of another size than the graph output', async () => {
      const { dir } = modelDir('wrong-pooling', { pooling: { mean: true }, poolingDimension: 384 });
      expect(await failure(dir)).toMatchInlineSnapshot(`
        {
          "code": "EMBEDDING_DIMENSION_MISMATCH",
          "hint": "the pooling config belongs to another model: copy the whole model directory again",
          "message": "'1_Pooling/config.json' in '<dir>' declares word_embedding_dimension 384, but 'onnx/model.onnx' outputs 8 dimensions",
        }
      `);
    });

    it('a model name that is not on disk, through createEmbedder (nothing is downloaded)', async () => {
      rmSync(join(repo.root, 'models'), { recursive: true, force: true });
      await expect(createEmbedder({ model: 'models/all-MiniLM-L6-v2', dimension: 256, root: repo.root })).rejects.toMatchObject({
        code: 'EMBEDDING_MODEL_NOT_FOUND',
        message: expect.stringContaining(join(repo.root, 'models/all-MiniLM-L6-v2')),
      });
    });
  });
});
