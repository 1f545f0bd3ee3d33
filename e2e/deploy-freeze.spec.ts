/**
 * Deployment, step 1: freeze the core KB at a release tag (`momo kb freeze`, scripts/freeze-kb.ts,
 * the getUrl API), and the deployed app's refusal of a tampered bundle. Real git tags, real
 * caches and remotes, real DVC as the oracle for get_url and for a dvc.lock-tracked KB.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { oracleDvcPath, PROJECT_ROOT, testEnv, type TmpRepo } from '@momo/testing';
import { getUrl, read } from '@momo/dvc';
import { bundleManifest, LATER_SENTENCE, makeReleaseRepo, momo, V1_SENTENCE } from '../apps/core/src/__fixtures__/release-repo.js';

// real processes (git, DVC, scrypt, Chromium) on a shared 2-core machine: generous limits
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const CORE_BIN = join(PROJECT_ROOT, 'apps', 'core', 'bin', 'momo-core.js');

function core(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CORE_BIN, ...args], { env: testEnv({ MOMO_CORE_PASSPHRASE: 'unused', ...env }), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let repo: TmpRepo;
let bundle: string;

beforeAll(async () => {
  repo = await makeReleaseRepo();
  bundle = `${repo.root}-bundle`;
  const r = momo(repo.root, ['kb', 'freeze', '--rev', 'v1.0.0', '--out', bundle]);
  expect(r.stderr).toContain('Froze data/graphs, data/knowledge-base, data/vectors at v1.0.0');
  expect(r.code).toBe(0);
});

afterAll(() => {
  repo?.cleanup();
  rmSync(bundle, { recursive: true, force: true });
});

describe('momo kb freeze --rev v1.0.0', () => {
  it('writes the knowledge base, vectors and graphs as recorded at the tag, not as in the workspace', () => {
    const m = bundleManifest(bundle);
    expect(m.source).toEqual({ rev: 'v1.0.0', commit: repo.git('rev-parse', 'v1.0.0').trim() });
    expect(m.outs.map((o) => o.path)).toEqual(['data/graphs', 'data/knowledge-base', 'data/vectors']);
    const frozenChunks = readFileSync(join(bundle, 'data/knowledge-base/chunks.jsonl'), 'utf8');
    expect(frozenChunks).toContain(V1_SENTENCE);
    expect(frozenChunks).not.toContain('retryPolicy');
    // the workspace moved on after the tag
    expect(readFileSync(join(repo.root, 'data/knowledge-base/chunks.jsonl'), 'utf8')).toContain(LATER_SENTENCE.split(':')[0]);
    // the manifest lists every file with its md5 and size, and the momo version
    expect(readFileSync(join(bundle, 'manifest.json'), 'utf8')).toContain('"momo_version": "0.1.0"');
    for (const f of m.files) expect(readFileSync(join(bundle, f.path)).length).toBe(f.size);
  });

  it('matches the tag byte for byte through the read API, and getUrl agrees with dvc.api.get_url', async () => {
    const m = bundleManifest(bundle);
    for (const f of m.files) {
      const atTag = await read(f.path, { repo: repo.root, rev: 'v1.0.0', mode: 'rb' });
      expect(atTag.equals(readFileSync(join(bundle, f.path)))).toBe(true);
    }
    const python = join(dirname(oracleDvcPath()), 'python');
    const dvc = spawnSync(python, ['-c', "import dvc.api; print(dvc.api.get_url('data/knowledge-base/', rev='v1.0.0'))"], { cwd: repo.root, env: testEnv(), encoding: 'utf8' });
    expect(dvc.status).toBe(0);
    expect(await getUrl('data/knowledge-base/', { repo: repo.root, rev: 'v1.0.0' })).toBe(dvc.stdout.trim());
    expect(m.outs.find((o) => o.path === 'data/knowledge-base')!.md5).toBe(dvc.stdout.trim().split('/').slice(-2).join(''));
  });

  it('is reproducible: scripts/freeze-kb.ts writes the same manifest', () => {
    const out = `${repo.root}-bundle-script`;
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(PROJECT_ROOT, 'scripts', 'freeze-kb.ts'), '--rev', 'v1.0.0', '--out', out], { cwd: repo.root, env: testEnv(), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^data\/knowledge-base\/ at v1\.0\.0: .*\.dir$/m);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
    rmSync(out, { recursive: true, force: true });
  });

  it('refuses an unknown revision and leaves no bundle behind', () => {
    const out = `${repo.root}-nope`;
    const r = momo(repo.root, ['kb', 'freeze', '--rev', 'v9.9.9', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown Git revision 'v9.9.9'");
    expect(existsSync(out)).toBe(false);
  });
});

describe('the deployed app verifies the frozen bundle at start', () => {
  function copy(): string {
    const dir = `${bundle}-copy-${Math.random().toString(36).slice(2, 8)}`;
    cpSync(bundle, dir, { recursive: true });
    return dir;
  }

  it('accepts the untouched bundle', () => {
    const r = core(['--home', `${bundle}-home`, '--core', bundle, 'verify', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, rev: 'v1.0.0', files: bundleManifest(bundle).files.length });
  });

  it('refuses a modified, a missing and an unexpected file, naming each', () => {
    const dir = copy();
    const chunks = join(dir, 'data/knowledge-base/chunks.jsonl');
    const text = readFileSync(chunks, 'utf8');
    // same size, one character changed: only the md5 can tell
    writeFileSync(chunks, text.replace('configureRemote', 'configureRemotX'));
    rmSync(join(dir, 'data/graphs/graph.json'));
    appendFileSync(join(dir, 'data/vectors/injected.bin'), 'x');
    for (const cmd of [['verify'], ['search', 'remote'], ['serve']]) {
      const r = core(['--home', `${dir}-home`, '--core', dir, ...cmd]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('ERROR: refusing to start: the frozen core knowledge base');
      expect(r.stderr).toContain('modified:   data/knowledge-base/chunks.jsonl (md5');
      expect(r.stderr).toContain('missing:    data/graphs/graph.json');
      expect(r.stderr).toContain('unexpected: data/vectors/injected.bin');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bundle without its manifest, and a missing bundle', () => {
    const dir = copy();
    rmSync(join(dir, 'manifest.json'));
    const r = core(['--home', `${dir}-home`, '--core', dir, 'verify']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no frozen core knowledge base in '${dir}' (no manifest.json)`);
    rmSync(dir, { recursive: true, force: true });
    expect(core(['--home', `${dir}-home`, '--core', dir, 'verify']).stderr).toContain('hint: install the bundle made by `momo kb freeze');
  });
});

describe('freezing a KB recorded in dvc.lock by real DVC, objects only on a remote', () => {
  it('resolves the stage outputs at the tag and takes every object from the remote, verified', async () => {
    const store = join(tmpdir(), `momo-freeze-store-${process.pid}`);
    const r2 = await makeReleaseRepo({ tracking: 'dvc-lock', remote: store });
    const out = `${r2.root}-bundle`;
    try {
      expect(readFileSync(join(r2.root, 'dvc.lock'), 'utf8')).toContain('path: data/knowledge-base');
      rmSync(join(r2.root, '.dvc', 'cache'), { recursive: true, force: true });
      // no -r: the default remote of the tag's .dvc/config
      const r = momo(r2.root, ['kb', 'freeze', '--rev', 'v1.0.0', '--out', out, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout) as { fromCache: number; fromRemote: number; files: number; outs: Array<{ dvcfile: string }> };
      expect(summary.fromCache).toBe(0);
      expect(summary.fromRemote).toBe(summary.files);
      expect(summary.outs.every((o) => o.dvcfile === 'dvc.lock')).toBe(true);
      expect(readFileSync(join(out, 'data/knowledge-base/chunks.jsonl'), 'utf8')).not.toContain('retryPolicy');
      expect(core(['--home', `${out}-home`, '--core', out, 'verify']).code).toBe(0);
      // a corrupted object on the remote stops the freeze
      const victim = readdirSync(join(store, 'files', 'md5'), { recursive: true, withFileTypes: true }).find((e) => e.isFile() && !e.name.endsWith('.dir'))!;
      const victimPath = join(victim.parentPath, victim.name);
      rmSync(victimPath, { force: true });
      writeFileSync(victimPath, 'corrupted');
      const bad = momo(r2.root, ['kb', 'freeze', '--rev', 'v1.0.0', '--out', `${out}-2`]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/is corrupted: its content hashes to/);
      expect(existsSync(`${out}-2`)).toBe(false);
    } finally {
      r2.cleanup();
      rmSync(store, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  });
});
