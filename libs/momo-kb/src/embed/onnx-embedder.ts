import { createHash } from 'node:crypto';
import { MomoError } from '@momo/errors';
import type * as OrtModule from 'onnxruntime-node';
import type * as TokenizersModule from '@huggingface/tokenizers';
import type { Embedder, EmbedderInfo } from './embedder.js';
import { normalizeL2, poolTokenEmbeddings, type PoolingMode } from './pool-embeddings.js';
import { readOnnxModelDir, type OnnxModelDir } from './read-onnx-model-dir.js';

/** Packages the ONNX embedder imports when (and only when) an ONNX model is chosen. */
export const DRIVER_DEPENDENCIES = ['onnxruntime-node', '@huggingface/tokenizers'];

/** Graph inputs the embedder knows how to feed; a graph asking for anything else is refused. */
export const ONNX_SUPPORTED_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'];

/** Token-level outputs (`[batch, seq, hidden]`), preferred in this order; `sentence_embedding` is already pooled. */
const TOKEN_OUTPUTS = ['last_hidden_state', 'token_embeddings'];
const POOLED_OUTPUTS = ['sentence_embedding'];

export interface OnnxEmbedderOptions {
  /** A sentence-transformers-style model directory, or the `.onnx` file inside one. */
  path: string;
  /** Texts per ONNX Runtime call. @default 32 */
  batchSize?: number;
  /** Tokens per text; longer texts are truncated. @default the model's own limit (see README) */
  maxLength?: number;
  /** ONNX Runtime intra-op threads. @default ONNX Runtime's choice (the physical cores) */
  threads?: number;
  /** The runtime packages, to use instead of importing them (unstorage's `lib` pattern). */
  lib?: { ort?: typeof OrtModule; tokenizers?: typeof TokenizersModule };
}

type OrtSession = OrtModule.InferenceSession;
type IntType = 'int64' | 'int32';

interface Graph {
  inputs: Map<string, IntType>;
  output: string;
  pooled: boolean;
  fixedBatch: number | undefined;
  fixedSeq: number | undefined;
}

async function importDependency<T>(pkg: string, path: string): Promise<T> {
  try {
    const mod = (await import(pkg)) as T & { default?: T };
    // onnxruntime-node is CommonJS: its named exports may only be on `default`
    return (mod as { InferenceSession?: unknown }).InferenceSession || (mod as { Tokenizer?: unknown }).Tokenizer ? mod : (mod.default ?? mod);
  } catch (e) {
    throw new MomoError('DEPENDENCY_MISSING', `the ONNX embedding model '${path}' needs the package '${pkg}', which cannot be loaded: ${(e as Error).message}`, {
      hint: `install it with: npm i -E onnxruntime-node@1.30.0 @huggingface/tokenizers@0.2.0 (with "allowScripts": { "onnxruntime-node": false }), or pass the packages through the 'lib' option`,
      data: { path, package: pkg },
    });
  }
}

function invalid(model: OnnxModelDir, message: string, hint: string): MomoError {
  return new MomoError('EMBEDDING_MODEL_INVALID', message, { hint, data: { dir: model.dir, file: model.modelFile } });
}

/** Reads the graph's inputs and picks its embedding output; refuses anything the embedder cannot feed. */
function inspectGraph(session: OrtSession, model: OnnxModelDir): Graph {
  const file = model.modelFile;
  const inputs = new Map<string, IntType>();
  const unexpected: string[] = [];
  let fixedBatch: number | undefined;
  let fixedSeq: number | undefined;
  for (const m of session.inputMetadata) {
    if (!ONNX_SUPPORTED_INPUTS.includes(m.name)) {
      unexpected.push(m.name);
      continue;
    }
    if (!m.isTensor || (m.type !== 'int64' && m.type !== 'int32')) {
      throw invalid(model, `graph input '${m.name}' of '${file}' is ${m.isTensor ? m.type : 'not a tensor'}; expected int64 (or int32) token ids`, 'export the model for feature extraction with integer token inputs (optimum-cli export onnx --task feature-extraction)');
    }
    inputs.set(m.name, m.type);
    if (m.name === 'input_ids' && m.shape.length === 2) {
      if (typeof m.shape[0] === 'number') fixedBatch = m.shape[0];
      if (typeof m.shape[1] === 'number') fixedSeq = m.shape[1];
    }
  }
  if (unexpected.length || !inputs.has('input_ids')) {
    const what = unexpected.length ? `unexpected input${unexpected.length > 1 ? 's' : ''} ${unexpected.map((n) => `'${n}'`).join(', ')}` : "no 'input_ids' input";
    throw invalid(
      model,
      `the graph in '${file}' has ${what} (inputs: ${session.inputNames.map((n) => `'${n}'`).join(', ')}); momo feeds only ${ONNX_SUPPORTED_INPUTS.join(', ')}`,
      'export the model for feature extraction (optimum-cli export onnx --task feature-extraction), which takes only these inputs',
    );
  }
  const names = session.outputNames;
  const tensorOutputs = session.outputMetadata.filter((m): m is OrtModule.InferenceSession.TensorValueMetadata => m.isTensor);
  let output = TOKEN_OUTPUTS.find((n) => names.includes(n)) ?? POOLED_OUTPUTS.find((n) => names.includes(n));
  let pooled = output !== undefined && POOLED_OUTPUTS.includes(output);
  if (!output && tensorOutputs.length === 1) {
    // a single unnamed-convention output: its rank says whether it is per token or per text
    output = tensorOutputs[0].name;
    pooled = tensorOutputs[0].shape.length === 2;
  }
  if (!output) {
    throw invalid(
      model,
      `the graph in '${file}' has no embedding output (outputs: ${names.map((n) => `'${n}'`).join(', ')}); expected one of ${[...TOKEN_OUTPUTS, ...POOLED_OUTPUTS].map((n) => `'${n}'`).join(', ')}`,
      'export the base model for feature extraction (optimum-cli export onnx --task feature-extraction), not a task head such as a classifier',
    );
  }
  const meta = tensorOutputs.find((m) => m.name === output);
  if (meta && meta.type !== 'float32') {
    throw invalid(model, `output '${output}' of '${file}' is ${meta.type}; momo reads float32 embeddings`, 'export the model in fp32 (a float16 or quantised-output model is not supported)');
  }
  return { inputs, output, pooled, fixedBatch, fixedSeq };
}

/**
 * A sentence-embedding model in ONNX format, run locally with onnxruntime-node and tokenised with
 * @huggingface/tokenizers: texts are tokenised (`[CLS] … [SEP]`, truncated to the model's maximum
 * length), sorted by length and batched, fed as `input_ids` plus `attention_mask` and
 * `token_type_ids` when the graph declares them, and the token embeddings are pooled as the
 * model's `1_Pooling/config.json` says (attention-masked mean by default) and L2-normalised.
 * Deterministic: the same texts give the same vectors; padding never reaches a vector.
 */
export class OnnxEmbedder implements Embedder {
  /** Set once the probe run has measured the output (see {@link createOnnxEmbedder}). */
  id = '';
  dimension = 0;
  readonly batchSize: number;
  readonly maxLength: number;
  private hidden = 0;
  private readonly padId: number;

  constructor(
    private readonly ort: typeof OrtModule,
    private readonly session: OrtSession,
    private readonly tokenizer: TokenizersModule.Tokenizer,
    readonly model: OnnxModelDir,
    private readonly graph: Graph,
    options: { batchSize?: number },
  ) {
    this.batchSize = graph.fixedBatch ?? options.batchSize ?? 32;
    this.maxLength = graph.fixedSeq ? Math.min(graph.fixedSeq, model.maxLength) : model.maxLength;
    const pad = tokenizer.token_to_id(String(model.tokenizerConfig.pad_token ?? '[PAD]'));
    this.padId = pad ?? 0;
  }

  /** Runs one text through the model to learn the output size and fix the id. @internal */
  async probe(): Promise<void> {
    const [v] = await this.run([this.encode('momo')]);
    const pooling = this.model.pooling;
    this.dimension = v.length;
    if (!this.graph.pooled && pooling.wordEmbeddingDimension !== undefined && pooling.wordEmbeddingDimension !== this.hidden) {
      throw new MomoError(
        'EMBEDDING_DIMENSION_MISMATCH',
        `'${this.model.pooling.source}' in '${this.model.dir}' declares word_embedding_dimension ${pooling.wordEmbeddingDimension}, but '${this.model.modelRel}' outputs ${this.hidden} dimensions`,
        { hint: 'the pooling config belongs to another model: copy the whole model directory again', data: { dir: this.model.dir, declared: pooling.wordEmbeddingDimension, actual: this.hidden } },
      );
    }
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([this.model.modelSha256, this.model.tokenizerSha256, this.poolingModes(), this.maxLength, this.graph.output]))
      .digest('hex')
      .slice(0, 16);
    this.id = `onnx:${this.model.name}:${this.dimension}:${fingerprint}`;
  }

  private poolingModes(): PoolingMode[] | ['model'] {
    return this.graph.pooled ? ['model'] : this.model.pooling.modes;
  }

  describe(): EmbedderInfo {
    return {
      kind: 'onnx',
      id: this.id,
      dimension: this.dimension,
      model: this.model.name,
      model_file: this.model.modelRel,
      model_sha256: this.model.modelSha256,
      tokenizer_sha256: this.model.tokenizerSha256,
      pooling: this.poolingModes().join('+'),
      max_length: this.maxLength,
      output: this.graph.output,
      inputs: [...this.graph.inputs.keys()],
    };
  }

  /**
   * Token ids of one text with the tokenizer's special tokens, truncated to {@link maxLength}: the
   * text's own tokens are cut, the special tokens around them (`[CLS]`, `[SEP]`) are kept.
   */
  encode(text: string): number[] {
    const full = this.tokenizer.encode(text).ids;
    const max = this.maxLength;
    if (full.length <= max) return full;
    const content = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const extra = full.length - content.length;
    for (let p = 0; p <= extra; p++) {
      let same = true;
      for (let i = 0; i < content.length && same; i++) same = full[p + i] === content[i];
      if (same) {
        const suffix = full.slice(p + content.length);
        const keep = Math.max(0, max - p - suffix.length);
        return [...full.slice(0, p), ...content.slice(0, keep), ...suffix].slice(0, max);
      }
    }
    return full.slice(0, max);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const encoded = texts.map((t) => this.encode(t));
    // shortest first, ties by position: batches hold similar lengths, so little padding is fed
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a].length - encoded[b].length || a - b);
    const out = new Array<Float32Array>(texts.length);
    // without an attention mask the model would see padding: batch only equal lengths then
    const canPad = this.graph.inputs.has('attention_mask');
    for (let k = 0; k < order.length; ) {
      let end = Math.min(order.length, k + this.batchSize);
      if (!canPad && !this.graph.fixedSeq) {
        let e = k + 1;
        while (e < end && encoded[order[e]].length === encoded[order[k]].length) e++;
        end = e;
      }
      const idx = order.slice(k, end);
      const vecs = await this.run(idx.map((i) => encoded[i]));
      idx.forEach((i, n) => (out[i] = vecs[n]));
      k = end;
    }
    return out;
  }

  /** One ONNX Runtime call over already encoded texts, padded to the longest (or the graph's fixed length). */
  private async run(rows: number[][]): Promise<Float32Array[]> {
    const real = rows.length;
    const batch = this.graph.fixedBatch ?? real;
    const seq = this.graph.fixedSeq ?? Math.max(...rows.map((r) => r.length));
    const n = batch * seq;
    const mask = new Uint8Array(n);
    const ids = new Array<number>(n).fill(this.padId);
    for (let b = 0; b < batch; b++) {
      // a graph with a fixed batch size gets its last batch filled up with copies of the first row
      const r = rows[b < real ? b : 0];
      for (let t = 0; t < r.length; t++) {
        ids[b * seq + t] = r[t];
        mask[b * seq + t] = 1;
      }
    }
    const tensor = (type: IntType, values: ArrayLike<number>) => {
      const data = type === 'int64' ? BigInt64Array.from(Array.from(values, (v) => BigInt(v))) : Int32Array.from(values);
      return new this.ort.Tensor(type, data, [batch, seq]);
    };
    const feeds: Record<string, OrtModule.Tensor> = {};
    for (const [name, type] of this.graph.inputs) {
      if (name === 'input_ids') feeds[name] = tensor(type, ids);
      else if (name === 'attention_mask') feeds[name] = tensor(type, mask);
      else feeds[name] = tensor(type, new Uint8Array(n));
    }
    let result: OrtModule.InferenceSession.ReturnType;
    try {
      result = await this.session.run(feeds, [this.graph.output]);
    } catch (e) {
      throw invalid(
        this.model,
        `running '${this.model.modelFile}' failed: ${(e as Error).message}`,
        "check that tokenizer.json belongs to this model (every token id must fit the model's embedding table)",
      );
    }
    const t = result[this.graph.output];
    const dims = t.dims;
    const data = t.data as Float32Array;
    if (t.type !== 'float32') throw invalid(this.model, `output '${this.graph.output}' of '${this.model.modelFile}' is ${t.type}; momo reads float32 embeddings`, 'export the model in fp32');
    let vectors: Float32Array[];
    if (this.graph.pooled) {
      if (dims.length !== 2 || dims[0] !== batch) {
        throw invalid(this.model, `output '${this.graph.output}' of '${this.model.modelFile}' has shape [${dims.join(', ')}]; expected [batch, hidden]`, 'export the model for feature extraction');
      }
      this.hidden = dims[1];
      vectors = [];
      for (let b = 0; b < real; b++) vectors.push(Float32Array.from(normalizeL2(Float64Array.from(data.subarray(b * dims[1], (b + 1) * dims[1])))));
    } else {
      if (dims.length !== 3 || dims[0] !== batch || dims[1] !== seq) {
        throw invalid(
          this.model,
          `output '${this.graph.output}' of '${this.model.modelFile}' has shape [${dims.join(', ')}]; expected [batch, sequence, hidden] = [${batch}, ${seq}, hidden]`,
          'export the base model for feature extraction (optimum-cli export onnx --task feature-extraction)',
        );
      }
      this.hidden = dims[2];
      vectors = poolTokenEmbeddings({ data, batch: real, seq, hidden: dims[2], mask, modes: this.model.pooling.modes });
    }
    return vectors;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Loads a local ONNX sentence-embedding model (see {@link OnnxEmbedder}). The runtime packages are
 * imported here, never before; nothing is downloaded.
 * @throws EMBEDDING_MODEL_NOT_FOUND when the directory, the ONNX file or tokenizer.json is missing.
 * @throws EMBEDDING_MODEL_INVALID when the graph has inputs the embedder cannot feed, no embedding output, or a file cannot be read.
 * @throws EMBEDDING_DIMENSION_MISMATCH when the pooling config's dimension disagrees with the model's output.
 * @throws DEPENDENCY_MISSING when onnxruntime-node or @huggingface/tokenizers cannot be loaded.
 */
export async function createOnnxEmbedder(options: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
  if (options.batchSize !== undefined && (!Number.isInteger(options.batchSize) || options.batchSize < 1)) {
    throw new MomoError('KB_PARAM_INVALID', `'batchSize' must be an integer >= 1, got ${options.batchSize}`, { hint: 'pass a batch size such as 32', data: { batchSize: options.batchSize } });
  }
  // the model bytes are handed to the session and not kept (a real model is tens of MB)
  const { modelBytes, ...model } = readOnnxModelDir(options.path, { maxLength: options.maxLength });
  const ort = options.lib?.ort ?? (await importDependency<typeof OrtModule>('onnxruntime-node', options.path));
  const tokenizers = options.lib?.tokenizers ?? (await importDependency<typeof TokenizersModule>('@huggingface/tokenizers', options.path));
  let tokenizer: TokenizersModule.Tokenizer;
  try {
    tokenizer = new tokenizers.Tokenizer(model.tokenizerJson, model.tokenizerConfig);
  } catch (e) {
    throw new MomoError('EMBEDDING_MODEL_INVALID', `'${model.dir}/tokenizer.json' cannot be used as a tokenizer: ${(e as Error).message}`, {
      hint: "copy the model's tokenizer.json (Hugging Face tokenizers format) again",
      data: { dir: model.dir },
    });
  }
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(modelBytes, {
      // library code never prints: ONNX Runtime's own warnings stay quiet, failures still throw
      logSeverityLevel: 4,
      ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
    });
  } catch (e) {
    throw invalid(model, `'${model.modelFile}' is not a loadable ONNX model: ${(e as Error).message}`, 'copy the model file again, or re-export it (the file may be truncated)');
  }
  try {
    const embedder = new OnnxEmbedder(ort, session, tokenizer, model, inspectGraph(session, model), { batchSize: options.batchSize });
    await embedder.probe();
    return embedder;
  } catch (e) {
    await session.release();
    throw e;
  }
}
