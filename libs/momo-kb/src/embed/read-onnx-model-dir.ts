import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { MomoError } from '@momo/errors';
import { POOLING_MODES, type PoolingMode } from './pool-embeddings.js';

/** Where model.onnx is looked for inside a model directory, in order. */
export const ONNX_MODEL_CANDIDATES = ['model.onnx', 'onnx/model.onnx'];

/** What a sentence-embedding model directory must hold besides the model. */
export const ONNX_TOKENIZER_FILE = 'tokenizer.json';

/** The files of a sentence-transformers model directory that take part, read and checked. */
export interface OnnxModelDir {
  /** Absolute model directory. */
  dir: string;
  /** Its base name (what the embedder id and the manifest show; never an absolute path). */
  name: string;
  /** Absolute path of the ONNX file. */
  modelFile: string;
  /** The ONNX file relative to `dir`, POSIX. */
  modelRel: string;
  /** sha256 (hex) of the ONNX file. */
  modelSha256: string;
  tokenizerJson: Record<string, unknown>;
  tokenizerSha256: string;
  /** tokenizer_config.json, or {} when the directory has none. */
  tokenizerConfig: Record<string, unknown>;
  /** Pooling of the token embeddings and where it came from (`1_Pooling/config.json` or the default). */
  pooling: { modes: PoolingMode[]; wordEmbeddingDimension: number | undefined; source: string };
  /** Tokens per text (longer texts are truncated) and the file that set it. */
  maxLength: number;
  maxLengthSource: string;
}

/** Default tokens per text when no file of the directory says (BERT's position embeddings). */
export const DEFAULT_MAX_LENGTH = 512;

const NEXT_STEP =
  'copy a sentence-transformers model directory with its ONNX export there (for all-MiniLM-L6-v2: onnx/model.onnx, tokenizer.json, tokenizer_config.json, config.json, 1_Pooling/config.json from its Hugging Face repository), ' +
  "or set kb_config.embedding_model to 'hash-v1' (built in, offline)";

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

function parseJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MomoError('EMBEDDING_MODEL_INVALID', `'${file}' is not valid JSON: ${(e as Error).message}`, {
      hint: 'copy the file again from the model repository',
      data: { file },
    });
  }
}

function readJson(file: string): Record<string, unknown> {
  const value = parseJsonFile(file);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new MomoError('EMBEDDING_MODEL_INVALID', `'${file}' must hold a JSON object`, { hint: 'copy the file again from the model repository', data: { file } });
  }
  return value as Record<string, unknown>;
}

function readOptionalJson(file: string): Record<string, unknown> | undefined {
  return isFile(file) ? readJson(file) : undefined;
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

/**
 * Finds and reads a sentence-transformers-style model directory: `model.onnx` or
 * `onnx/model.onnx` (or the `.onnx` file `path` names, its directory or that directory's parent
 * holding the tokenizer), `tokenizer.json`, optional `tokenizer_config.json`, `config.json`,
 * `sentence_bert_config.json`, `modules.json` and the pooling config (`1_Pooling/config.json`).
 * Returns the ONNX file's bytes too (read once, for hashing and for the session). Nothing is downloaded.
 * @throws EMBEDDING_MODEL_NOT_FOUND when the directory, the ONNX file or tokenizer.json is missing.
 * @throws EMBEDDING_MODEL_INVALID when a config file cannot be read or asks for an unsupported pooling.
 */
export function readOnnxModelDir(path: string, options: { maxLength?: number } = {}): OnnxModelDir & { modelBytes: Uint8Array } {
  let dir: string;
  let modelFile: string | undefined;
  if (path.endsWith('.onnx')) {
    if (!isFile(path)) {
      throw new MomoError('EMBEDDING_MODEL_NOT_FOUND', `ONNX model file '${path}' does not exist`, { hint: NEXT_STEP, data: { path } });
    }
    modelFile = path;
    // onnx/model_qint8.onnx sits one level below the tokenizer in Hugging Face repositories
    dir = isFile(join(dirname(path), ONNX_TOKENIZER_FILE)) || !isFile(join(dirname(dirname(path)), ONNX_TOKENIZER_FILE)) ? dirname(path) : dirname(dirname(path));
  } else {
    if (!existsSync(path) || !statSync(path).isDirectory()) {
      throw new MomoError('EMBEDDING_MODEL_NOT_FOUND', `embedding model directory '${path}' does not exist`, { hint: NEXT_STEP, data: { path } });
    }
    dir = path;
    modelFile = ONNX_MODEL_CANDIDATES.map((c) => join(dir, c)).find(isFile);
    if (!modelFile) {
      throw new MomoError('EMBEDDING_MODEL_NOT_FOUND', `no ONNX model in '${dir}' (looked for ${ONNX_MODEL_CANDIDATES.map((c) => `'${c}'`).join(' and ')})`, {
        hint: `put the model's ONNX export there as onnx/model.onnx (e.g. \`optimum-cli export onnx --task feature-extraction --model <model> ${dir}\` where the model is available), or name the .onnx file itself in embedding_model`,
        data: { dir, looked: ONNX_MODEL_CANDIDATES },
      });
    }
  }
  const tokenizerFile = join(dir, ONNX_TOKENIZER_FILE);
  if (!isFile(tokenizerFile)) {
    throw new MomoError('EMBEDDING_MODEL_NOT_FOUND', `the embedding model in '${dir}' has no tokenizer ('${tokenizerFile}' is missing)`, {
      hint: "copy the model's tokenizer.json (the Hugging Face fast-tokenizer file, next to config.json in its repository) into that directory",
      data: { dir, file: tokenizerFile },
    });
  }
  const tokenizerText = readFileSync(tokenizerFile);
  const tokenizerJson = readJson(tokenizerFile);
  const tokenizerConfig = readOptionalJson(join(dir, 'tokenizer_config.json')) ?? {};
  const config = readOptionalJson(join(dir, 'config.json'));
  const stConfig = readOptionalJson(join(dir, 'sentence_bert_config.json'));
  const pooling = readPooling(dir);

  // tokens per text: sentence-transformers' max_seq_length, else the tokenizer's model_max_length
  // (transformers writes 1e30 for "unset"), capped by the position embeddings the model has
  let maxLength = DEFAULT_MAX_LENGTH;
  let maxLengthSource = 'default';
  const st = positive(stConfig?.max_seq_length);
  const tk = positive(tokenizerConfig.model_max_length);
  if (st) [maxLength, maxLengthSource] = [st, 'sentence_bert_config.json'];
  else if (tk && tk <= 1_000_000) [maxLength, maxLengthSource] = [tk, 'tokenizer_config.json'];
  const positions = positive(config?.max_position_embeddings);
  if (positions) {
    // RoBERTa-style models reserve two positions for the padding offset
    const usable = /roberta|camembert|mpnet|longformer/i.test(String(config?.model_type ?? '')) ? positions - 2 : positions;
    if (usable < maxLength || maxLengthSource === 'default') [maxLength, maxLengthSource] = [Math.min(usable, maxLength), 'config.json'];
  }
  if (options.maxLength !== undefined) {
    if (!Number.isInteger(options.maxLength) || options.maxLength < 2) {
      throw new MomoError('KB_PARAM_INVALID', `'maxLength' must be an integer >= 2, got ${options.maxLength}`, { hint: 'pass a token count such as 256', data: { maxLength: options.maxLength } });
    }
    [maxLength, maxLengthSource] = [options.maxLength, 'option'];
  }
  const modelBytes = readFileSync(modelFile);
  return {
    dir,
    name: basename(dir),
    modelFile,
    modelRel: toPosix(relative(dir, modelFile)),
    modelBytes,
    modelSha256: sha256(modelBytes),
    tokenizerJson,
    tokenizerSha256: sha256(tokenizerText),
    tokenizerConfig,
    pooling,
    maxLength,
    maxLengthSource,
  };
}

/** The pooling a sentence-transformers directory declares (`modules.json` names the Pooling module's folder). */
function readPooling(dir: string): OnnxModelDir['pooling'] {
  let folder = '1_Pooling';
  const modules = isFile(join(dir, 'modules.json')) ? parseJsonFile(join(dir, 'modules.json')) : undefined;
  if (Array.isArray(modules)) {
    const p = modules.find((m) => typeof m?.type === 'string' && m.type.endsWith('.Pooling') && typeof m.path === 'string');
    if (p) folder = p.path;
  }
  const file = join(dir, folder, 'config.json');
  const cfg = readOptionalJson(file);
  if (!cfg) return { modes: ['mean'], wordEmbeddingDimension: undefined, source: 'default' };
  const source = toPosix(relative(dir, file));
  if (cfg.pooling_mode_weightedmean_tokens === true) {
    throw new MomoError('EMBEDDING_MODEL_INVALID', `'${file}' asks for weighted-mean pooling, which momo does not implement`, {
      hint: `supported pooling modes: ${POOLING_MODES.join(', ')}; use a model pooled with one of them`,
      data: { file },
    });
  }
  const modes = POOLING_MODES.filter((m) => cfg[m === 'cls' ? 'pooling_mode_cls_token' : m === 'lasttoken' ? 'pooling_mode_lasttoken' : `pooling_mode_${m}_tokens`] === true);
  if (!modes.length) {
    throw new MomoError('EMBEDDING_MODEL_INVALID', `'${file}' enables no pooling mode`, {
      hint: `set one of pooling_mode_cls_token, pooling_mode_mean_tokens, pooling_mode_max_tokens, pooling_mode_mean_sqrt_len_tokens, pooling_mode_lasttoken to true`,
      data: { file },
    });
  }
  return { modes, wordEmbeddingDimension: positive(cfg.word_embedding_dimension), source };
}
