import { MomoError } from '@momo/errors';
import type { Embedder } from './embedder.js';

/** Optional packages the ONNX embedder loads at run time (not installed by default). */
export const DRIVER_DEPENDENCIES = ['onnxruntime-node', '@huggingface/tokenizers'];

/**
 * Loads a local ONNX sentence-embedding model. The runtime packages are optional and not part of
 * the default install, so this raises DEPENDENCY_MISSING naming them; the `embedder` option of
 * KnowledgeBase accepts any {@link Embedder} instead.
 */
export async function createOnnxEmbedder(options: { dir: string }): Promise<Embedder> {
  for (const pkg of DRIVER_DEPENDENCIES) {
    try {
      await import(pkg);
    } catch {
      throw new MomoError('DEPENDENCY_MISSING', `the ONNX embedding model in '${options.dir}' needs the package '${pkg}', which is not installed`, {
        hint: `install it with: npm i -E ${DRIVER_DEPENDENCIES.map((d) => d).join(' ')} (with "allowScripts": { "onnxruntime-node": false }), or pass an Embedder through the 'embedder' option`,
        data: { dir: options.dir, package: pkg },
      });
    }
  }
  throw new MomoError('DEPENDENCY_MISSING', `ONNX embedding is not built into this version of @momo/kb (model '${options.dir}')`, {
    hint: "use kb_config.embedding_model: 'hash-v1', or pass an Embedder through the 'embedder' option",
    data: { dir: options.dir },
  });
}
