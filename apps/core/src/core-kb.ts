/**
 * The frozen core knowledge base: a data bundle written by `momo kb freeze` (manifest.json with
 * every file's md5 and size, the source rev and commit). At start every file is checked against
 * the manifest; a missing, modified, resized or unexpected file is a refusal, never a warning.
 * The knowledge base is then loaded read-only (nothing is ever written into the bundle).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KnowledgeBase } from '@momo/kb';
import type { DataBundleManifest } from '@momo/dvc';
import { coreError } from './errors.js';

/** A verified, loaded core KB. */
export interface CoreKb {
  dir: string;
  kb: KnowledgeBase;
  manifest: DataBundleManifest;
  /** bundle-relative path of the knowledge-base directory */
  kbPath: string;
  /** files verified at start and their total size */
  files: number;
  bytes: number;
  verifyMs: number;
}

/**
 * Verifies the bundle and loads its knowledge base.
 * @throws CORE_KB_NOT_FOUND, CORE_KB_INVALID, CORE_KB_TAMPERED
 */
export async function openCoreKb(options: { dir: string }): Promise<CoreKb> {
  const dir = options.dir;
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw coreError('CORE_KB_NOT_FOUND', `no frozen core knowledge base in '${dir}' (no manifest.json)`, {
      hint: 'install the bundle made by `momo kb freeze --rev <tag> --out <dir>` there, or pass --core <dir>',
      data: { dir },
    });
  }
  const started = performance.now();
  const { verifyDataBundle } = await import('@momo/dvc/api/dvc-api');
  let v;
  try {
    v = verifyDataBundle({ dir });
  } catch (e) {
    throw coreError('CORE_KB_INVALID', `the core knowledge base manifest '${join(dir, 'manifest.json')}' is invalid: ${(e as Error).message}`, {
      hint: 'reinstall the bundle made by `momo kb freeze`',
      data: { dir },
      cause: e,
    });
  }
  if (!v.ok) {
    const lines = v.problems.map((p) => {
      if (p.kind === 'missing') return `  missing:    ${p.path}`;
      if (p.kind === 'unexpected') return `  unexpected: ${p.path} (not in the manifest)`;
      if (p.kind === 'size') return `  modified:   ${p.path} (size ${p.actual}, expected ${p.expected})`;
      return `  modified:   ${p.path} (md5 ${p.actual}, expected ${p.expected})`;
    });
    throw coreError('CORE_KB_TAMPERED', `refusing to start: the frozen core knowledge base in '${dir}' does not match its manifest (rev ${v.manifest.source?.rev}):\n${lines.join('\n')}`, {
      hint: 'reinstall the core KB bundle from the installer (`momo kb freeze` output); the app never runs on a modified core KB',
      data: { dir, problems: v.problems },
    });
  }
  const kbOut = v.manifest.outs.find((o) => {
    try {
      return (JSON.parse(readFileSync(join(dir, o.path, 'manifest.json'), 'utf8')) as { format?: string }).format === 'momo-kb';
    } catch {
      // not a knowledge-base output (vectors, graphs)
      return false;
    }
  });
  if (!kbOut) {
    throw coreError('CORE_KB_INVALID', `the bundle in '${dir}' holds no momo knowledge base (outs: ${v.manifest.outs.map((o) => o.path).join(', ') || 'none'})`, {
      hint: 'freeze the knowledge-base output: `momo kb freeze --rev <tag> --kb data/knowledge-base --out <dir>`',
      data: { dir },
    });
  }
  const verifyMs = performance.now() - started;
  const { KnowledgeBase } = await import('@momo/kb');
  const kb = await KnowledgeBase.load(join(dir, kbOut.path), { root: dir });
  return { dir, kb, manifest: v.manifest, kbPath: kbOut.path, files: v.checked, bytes: v.bytes, verifyMs };
}
