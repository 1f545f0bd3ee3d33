/**
 * `momo kb freeze`: the seed's `scripts/freeze-kb.py` (Phase 7.2) as a command. The knowledge
 * base output, and the vectors and graphs its manifest points at, are resolved as recorded at a
 * git revision (dvc.lock or .dvc files of that commit), copied out of the cache or a remote with
 * every hash verified, and written as a data bundle (`manifest.json` with paths, md5, sizes,
 * source rev and commit, momo version) that an installer ships and `momo-core` verifies at start.
 */
import { posix } from 'node:path';
import { MomoError } from '@momo/errors';
import type { WriteDataBundleResult } from '@momo/dvc';
import { MOMO_VERSION } from '../version.js';

/** Options of {@link freezeKnowledgeBase}. */
export interface FreezeKnowledgeBaseOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  rev: string;
  out: string;
  /** repo-relative knowledge-base output @default 'data/knowledge-base' */
  kb?: string;
  remote?: string;
}

/**
 * Freezes the knowledge base at `rev` into a bundle.
 * @throws OUTPUT_NOT_FOUND when the revision does not track the knowledge base (or its vectors/graphs)
 * @throws KB_CORRUPT when the revision's knowledge-base manifest cannot be read
 */
export async function freezeKnowledgeBase(options: FreezeKnowledgeBaseOptions): Promise<WriteDataBundleResult> {
  const { read, resolveRepoRoot, writeDataBundle } = await import('@momo/dvc');
  const root = resolveRepoRoot(options.cwd);
  const kb = posix.normalize((options.kb ?? 'data/knowledge-base').replace(/\/+$/, ''));
  const api = { repo: root, rev: options.rev, remote: options.remote, env: options.env };
  // the KB manifest (as of rev) says where its vectors and graphs are: they ship with it
  let manifest: { format?: string; vectors?: string | null; graphs?: string | null };
  const manifestPath = `${kb}/manifest.json`;
  try {
    manifest = JSON.parse(await read(manifestPath, api)) as typeof manifest;
  } catch (e) {
    if (e instanceof MomoError) throw e;
    throw new MomoError('KB_CORRUPT', `'${manifestPath}' at revision '${options.rev}' is not JSON`, { hint: 'rebuild the knowledge base (`momo kb ingest`) and tag again', cause: e });
  }
  if (manifest?.format !== 'momo-kb') {
    throw new MomoError('KB_CORRUPT', `'${manifestPath}' at revision '${options.rev}' is not a momo knowledge-base manifest`, { hint: 'point --kb at the knowledge-base output of `momo kb ingest`' });
  }
  const paths = [kb];
  for (const ref of [manifest.vectors, manifest.graphs]) if (typeof ref === 'string') paths.push(posix.normalize(posix.join(kb, ref)));
  return writeDataBundle({ repo: root, cwd: options.cwd, rev: options.rev, paths, out: options.out, remote: options.remote, env: options.env, momoVersion: MOMO_VERSION });
}
