/**
 * Deployment preparation (the seed's Phase 7.2 `scripts/freeze-kb.py`): freezes the core
 * knowledge base as recorded at a release tag into a bundle that becomes part of the installer.
 *
 *   dvc.api.get_url("data/knowledge-base/", rev="v1.0.0")   →   getUrl('data/knowledge-base/', { rev })
 *
 * The knowledge base and the vectors/graphs its manifest points at are resolved from that tag's
 * dvc.lock (or .dvc files), taken from the cache or the remote, every md5 verified, and written
 * with a `manifest.json` (paths, md5, sizes, source rev and commit, momo version). The same as
 * `momo kb freeze --rev <tag> --out <dir>`; `momo-core` verifies the bundle when it starts.
 *
 * Usage (from the repository): npx tsx scripts/freeze-kb.ts [--rev v1.0.0] [--out dist/core-kb] [--kb data/knowledge-base] [--remote <name>]
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getUrl, isMomoError, read, resolveRepoRoot, writeDataBundle } from '@momo/dvc';

function flag(args: string[], name: string, fallback?: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}

/** momo's version: the `version` of the nearest workspace root package.json above this script. */
function momoVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string; workspaces?: unknown };
      if (pkg.workspaces && pkg.version) return pkg.version;
    }
    const up = dirname(dir);
    if (up === dir) return '0.0.0';
    dir = up;
  }
}

async function freezeCoreKb(args: string[]): Promise<void> {
  const cwd = process.cwd();
  const rev = flag(args, 'rev', 'v1.0.0')!;
  const out = resolve(cwd, flag(args, 'out', 'dist/core-kb')!);
  const kb = posix.normalize((flag(args, 'kb', 'data/knowledge-base') as string).replace(/\/+$/, ''));
  const remote = flag(args, 'remote');
  const api = { repo: resolveRepoRoot(cwd), rev, remote, env: process.env };

  // where the frozen knowledge base lives (the seed's dvc.api.get_url call)
  console.log(`${kb}/ at ${rev}: ${await getUrl(`${kb}/`, api)}`);
  // its manifest names the vectors and graphs that ship with it
  const manifest = JSON.parse(await read(`${kb}/manifest.json`, api)) as { vectors?: string | null; graphs?: string | null };
  const paths = [kb, ...[manifest.vectors, manifest.graphs].filter((r): r is string => typeof r === 'string').map((r) => posix.normalize(posix.join(kb, r)))];
  const res = await writeDataBundle({ ...api, cwd, paths, out, momoVersion: momoVersion() });
  console.log(`froze ${paths.join(', ')} at ${rev} (${res.manifest.source.commit}) into ${out}: ${res.manifest.files.length} files, ${res.bytes} bytes, md5 verified`);
}

freezeCoreKb(process.argv.slice(2)).catch((e: unknown) => {
  if (isMomoError(e)) {
    console.error(`ERROR: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`);
    process.exitCode = e.exitCode;
  } else {
    console.error(e);
    process.exitCode = 255;
  }
});
