/**
 * Test fixture builder (not shipped): a real git repository whose knowledge base (written by
 * @momo/kb's exportKnowledge, with vectors and graphs) is tracked by momo (`.dvc` files) or by a
 * real-DVC `dvc.lock`, tagged `v1.0.0`, and then changed in the workspace so that the tag and the
 * workspace differ.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { KnowledgeBase } from '@momo/kb';
import { add, init, push, remoteAdd } from '@momo/dvc';
import { MOMO_BIN, runDvc, testEnv, tmpRepo, type TmpRepo } from '@momo/testing';

/** Sentence that only the v1.0.0 sources contain. */
export const V1_SENTENCE = 'Remotes are configured with configureRemote before any push.';
/** Sentence that only the later workspace contains. */
export const LATER_SENTENCE = 'Workspace-only change after the release: retryPolicy backs off.';

async function writeKb(root: string): Promise<void> {
  const kb = new KnowledgeBase({ root, exclude: [join(root, 'data')] });
  await kb.ingest();
  await kb.buildVectors(join(root, 'data', 'vectors'));
  await kb.buildGraphs(join(root, 'data', 'graphs'));
  await kb.exportKnowledge(join(root, 'data', 'knowledge-base'));
  await kb.close();
}

/**
 * A release repository; `tracking` chooses `.dvc` files (momo add) or a real-DVC dvc.lock;
 * `remote` makes it the default remote before the tag and pushes the tagged objects to it.
 */
export async function makeReleaseRepo(options: { tracking?: 'momo-add' | 'dvc-lock'; remote?: string } = {}): Promise<TmpRepo> {
  const repo = tmpRepo({ git: true, prefix: 'momo-release-' });
  const env = testEnv();
  repo.gen({
    'README.md': `# Sample platform\n\nA tiny code base whose knowledge base ships frozen with the app.\n`,
    libs: {
      storage: {
        'package.json': JSON.stringify({ name: '@sample/storage', version: '1.0.0' }),
        'README.md': `# storage\n\n${V1_SENTENCE}\n`,
        src: {
          'remote.ts': `/** Configures the storage remote used by push and pull. */\nexport function configureRemote(url: string): string {\n  return \`remote at \${url}\`;\n}\n`,
          'push.ts': `import { configureRemote } from './remote.js';\n\n/** Pushes cached objects to the configured remote. */\nexport function pushObjects(url: string, objects: string[]): number {\n  configureRemote(url);\n  return objects.length;\n}\n`,
        },
      },
    },
  });
  const tracking = options.tracking ?? 'momo-add';
  if (tracking === 'momo-add') await init({ cwd: repo.root, env });
  else if (runDvc(repo.root, ['init', '-q']).code !== 0) throw new Error('dvc init failed');
  await writeKb(repo.root);
  const outs = ['data/knowledge-base', 'data/vectors', 'data/graphs'];
  if (tracking === 'momo-add') await add({ cwd: repo.root, env, targets: outs });
  else {
    const stage = runDvc(repo.root, ['stage', 'add', '-n', 'kb-ingest', ...outs.flatMap((o) => ['-o', o]), 'node scripts/kb-ingest.js']);
    if (stage.code !== 0) throw new Error(`dvc stage add failed: ${stage.stderr}`);
    const commit = runDvc(repo.root, ['commit', '-f', '-q', 'kb-ingest']);
    if (commit.code !== 0) throw new Error(`dvc commit failed: ${commit.stderr}`);
  }
  if (options.remote) {
    if (tracking === 'momo-add') {
      remoteAdd({ cwd: repo.root, env, name: 'store', url: options.remote, default: true });
      await push({ cwd: repo.root, env });
    } else {
      if (runDvc(repo.root, ['remote', 'add', '-d', 'store', options.remote]).code !== 0) throw new Error('dvc remote add failed');
      const pushed = runDvc(repo.root, ['push', '-q']);
      if (pushed.code !== 0) throw new Error(`dvc push failed: ${pushed.stderr}`);
    }
  }
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'release 1.0.0');
  repo.git('tag', 'v1.0.0');
  // the workspace moves on after the tag
  repo.gen({ libs: { storage: { src: { 'retry.ts': `/** ${LATER_SENTENCE} */\nexport function retryPolicy(n: number): number {\n  return 2 ** n;\n}\n` } } } });
  await writeKb(repo.root);
  if (tracking === 'momo-add') await add({ cwd: repo.root, env, targets: outs });
  else if (runDvc(repo.root, ['commit', '-f', '-q', 'kb-ingest']).code !== 0) throw new Error('dvc commit failed');
  return repo;
}

/** Runs the built `momo` CLI (requires `npx tsc -b tsconfig.build.json`). */
export function momo(cwd: string, args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MOMO_BIN, ...args], { cwd, env: testEnv(env), encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The bundle's manifest. */
export function bundleManifest(dir: string): { source: { rev: string; commit: string }; files: Array<{ path: string; md5: string; size: number }>; outs: Array<{ path: string; md5: string }> } {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}
