/**
 * Deployment, step 2: the deployed app as a user runs it (the built `momo-core` binary, real
 * scrypt + AES-256-GCM, real files): private files stay encrypted at rest, a wrong passphrase
 * changes nothing, a SIGKILL in the middle of a write leaves a readable KB, the passphrase can be
 * changed, and an encrypted backup goes to a remote the user names (a path, or the deployment
 * config's `local-cache` remote) and comes back on a "new machine".
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, testEnv, tmpRepo, type TmpRepo } from '@momo/testing';
import { makeReleaseRepo, momo } from '../apps/core/src/__fixtures__/release-repo.js';

// real processes (git, DVC, scrypt, Chromium) on a shared 2-core machine: generous limits
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const CORE_BIN = join(PROJECT_ROOT, 'apps', 'core', 'bin', 'momo-core.js');
const PASS = 'correct horse battery staple';
const SECRET = 'Grandmother hid the deed to the orchard under the blue floorboard.';

let work: TmpRepo;
let bundle: string;

function core(args: string[], env: Record<string, string> = {}, input?: string) {
  const r = spawnSync(process.execPath, [CORE_BIN, '--core', bundle, ...args], {
    env: testEnv({ HOME: join(work.root, 'home'), MOMO_DEPLOYMENT_DIR: join(work.root, 'deployment'), ...env }),
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every byte under a directory. */
function allBytes(root: string): Buffer {
  if (!existsSync(root)) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) if (e.isFile()) parts.push(readFileSync(join(e.parentPath, e.name)));
  return Buffer.concat(parts);
}

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

beforeAll(async () => {
  const release = await makeReleaseRepo();
  work = tmpRepo({ prefix: 'momo-deploy-app-' });
  bundle = join(work.root, 'core-kb');
  expect(momo(release.root, ['kb', 'freeze', '--rev', 'v1.0.0', '--out', bundle]).code).toBe(0);
  release.cleanup();
  cpSync(join(PROJECT_ROOT, 'deployment'), join(work.root, 'deployment'), { recursive: true });
  work.gen({ private: { 'orchard.txt': `${SECRET}\nThe key is in the teapot.\n`, letters: { 'to-anna.md': '# Dear Anna\n\nThe greenhouse needs a new pane before winter.\n' } } });
});

afterAll(() => work?.cleanup());

describe('momo-core with an encrypted user KB', () => {
  it('keeps private files encrypted: init, add, search both KBs, and no plaintext anywhere under ~/.momo', () => {
    expect(core(['init'], { MOMO_CORE_PASSPHRASE: PASS }).code).toBe(0);
    const add = core(['add', join(work.root, 'private', 'orchard.txt'), join(work.root, 'private', 'letters')], { MOMO_CORE_PASSPHRASE: PASS });
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(/^added file .*orchard\.txt: 1 files, 1 pieces/m);
    expect(add.stdout).toMatch(/^added folder .*letters: 1 files, 1 pieces/m);
    // the passphrase on stdin works as well as the environment
    const note = core(['note', '-t', 'Orchard plan', 'Prune the pear trees where the deed is hidden.'], {}, `${PASS}\n`);
    expect(note.code).toBe(0);
    const search = core(['search', 'deed orchard floorboard', '--json'], { MOMO_CORE_PASSPHRASE: PASS });
    expect(search.code).toBe(0);
    const hits = JSON.parse(search.stdout) as Array<{ kb: string; path: string }>;
    expect(hits[0]).toMatchObject({ kb: 'user', path: join(work.root, 'private', 'orchard.txt') });
    const both = JSON.parse(core(['search', 'configure remote orchard deed', '--json'], { MOMO_CORE_PASSPHRASE: PASS }).stdout) as Array<{ kb: string }>;
    expect(new Set(both.map((h) => h.kb))).toEqual(new Set(['core', 'user']));

    const home = join(work.root, 'home', '.momo');
    expect(readdirSync(join(home, 'user-kb'))).toEqual(['vault.mkb']);
    const disk = allBytes(home);
    for (const needle of [SECRET, 'floorboard', 'teapot', 'greenhouse', 'Orchard plan', 'pear trees', 'orchard.txt', 'to-anna']) {
      expect(disk.includes(Buffer.from(needle)), needle).toBe(false);
    }
    // grep, as a user would check it
    const grep = spawnSync('grep', ['-r', '-F', '-l', 'floorboard', home], { encoding: 'utf8' });
    expect(grep.status).toBe(1);
    expect(grep.stdout).toBe('');
  });

  it('refuses a wrong passphrase with a clear error and changes nothing', () => {
    const vault = join(work.root, 'home', '.momo', 'user-kb', 'vault.mkb');
    const before = sha(vault);
    for (const cmd of [['list'], ['add', join(work.root, 'private', 'orchard.txt')], ['passwd'], ['search', 'deed']]) {
      const r = core(cmd, { MOMO_CORE_PASSPHRASE: 'incorrect horse', MOMO_CORE_NEW_PASSPHRASE: 'x' });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`ERROR: wrong passphrase for the user KB '${join(work.root, 'home', '.momo', 'user-kb')}'`);
    }
    expect(sha(vault)).toBe(before);
    expect(readdirSync(join(work.root, 'home', '.momo', 'user-kb'))).toEqual(['vault.mkb']);
    expect(core(['list'], { MOMO_CORE_PASSPHRASE: '' }, '').stderr).toContain('ERROR: no passphrase given');
  });

  it('survives SIGKILL in the middle of a write: the KB reopens cleanly with the previous or the new state', async () => {
    const kbDir = join(work.root, 'kill-kb');
    expect(core(['--user-kb', kbDir, 'init'], { MOMO_CORE_PASSPHRASE: PASS }).code).toBe(0);
    // a writer that keeps adding large, incompressible notes (each write re-seals the whole vault)
    const writer = `
      const { UserKb } = await import(${JSON.stringify(join(PROJECT_ROOT, 'apps', 'core', 'dist', 'index.js'))});
      const { randomBytes } = await import('node:crypto');
      const kb = await UserKb.open({ dir: ${JSON.stringify(kbDir)}, passphrase: ${JSON.stringify(PASS)} });
      await kb.addNote({ title: 'first', text: ${JSON.stringify(SECRET)} });
      for (let i = 0; i < 200; i++) {
        await kb.addNote({ title: 'bulk ' + i, text: randomBytes(1_500_000).toString('base64') });
        process.stdout.write('wrote ' + i + '\\n');
      }
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', writer], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
    // wait until a few writes completed, then kill while a temp file (a write in progress) exists
    let killedDuringWrite = false;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if ((out.match(/wrote/g) ?? []).length >= 3 && readdirSync(kbDir).some((n) => n.endsWith('.tmp'))) {
        child.kill('SIGKILL');
        killedDuringWrite = true;
        break;
      }
      await new Promise((r) => setImmediate(r));
    }
    expect(await exited).toBe('SIGKILL');
    expect(killedDuringWrite).toBe(true);
    const leftovers = readdirSync(kbDir).filter((n) => n.endsWith('.tmp'));
    expect(leftovers.length).toBe(1);
    // even the interrupted temp file holds ciphertext only
    expect(readFileSync(join(kbDir, leftovers[0])).includes(Buffer.from('orchard'))).toBe(false);
    const completed = (out.match(/wrote/g) ?? []).length;
    const list = core(['--user-kb', kbDir, 'list', '--json'], { MOMO_CORE_PASSPHRASE: PASS });
    expect(list.stderr).toBe('');
    const sources = JSON.parse(list.stdout) as Array<{ label: string }>;
    // first note + `completed` bulk notes, or one more if the rename landed before the kill
    expect([completed + 1, completed + 2]).toContain(sources.length);
    expect(sources[0].label).toBe('first');
    // a writer's open removes the interrupted temp file
    expect(core(['--user-kb', kbDir, 'note', '-t', 'after', 'still works'], { MOMO_CORE_PASSPHRASE: PASS }).code).toBe(0);
    expect(readdirSync(kbDir).sort()).toEqual(['vault.mkb']);
  }, 120_000);

  it('changes the passphrase by re-encrypting: the old one fails, the new one opens everything', () => {
    const kbDir = join(work.root, 'passwd-kb');
    expect(core(['--user-kb', kbDir, 'init'], { MOMO_CORE_PASSPHRASE: 'first pass' }).code).toBe(0);
    expect(core(['--user-kb', kbDir, 'note', '-t', 'n', SECRET], { MOMO_CORE_PASSPHRASE: 'first pass' }).code).toBe(0);
    const before = readFileSync(join(kbDir, 'vault.mkb'));
    // old and new passphrase on stdin, one per line
    const r = core(['--user-kb', kbDir, 'passwd'], {}, 'first pass\nsecond pass\n');
    expect(r.stderr).toContain('Passphrase changed; the user KB was re-encrypted.');
    expect(readFileSync(join(kbDir, 'vault.mkb')).equals(before)).toBe(false);
    expect(core(['--user-kb', kbDir, 'list'], { MOMO_CORE_PASSPHRASE: 'first pass' }).code).toBe(1);
    expect(core(['--user-kb', kbDir, 'list'], { MOMO_CORE_PASSPHRASE: 'second pass' }).stdout).toMatch(/note\s+1 pieces\s+n$/m);
  });
});

describe('backup to a remote the user controls', () => {
  it('pushes only ciphertext to a path remote and restores it on a new machine with the passphrase', () => {
    const remote = join(work.root, 'usb-stick');
    const b = core(['backup', '--remote', remote], { MOMO_CORE_PASSPHRASE: PASS });
    expect(b.stderr).toBe('');
    expect(b.stdout).toMatch(/^backed up \d+ bytes of ciphertext to /);
    expect(allBytes(remote).includes(Buffer.from('floorboard'))).toBe(false);
    expect(JSON.parse(readFileSync(join(remote, 'momo-user-kb', 'latest.json'), 'utf8'))).toMatchObject({ format: 'momo-user-kb-backup', version: 1 });

    // a new machine: another home, no user KB yet
    const newHome = { HOME: join(work.root, 'new-machine') };
    expect(core(['restore', '--remote', remote], { ...newHome, MOMO_CORE_PASSPHRASE: 'wrong guess' }).stderr).toContain('ERROR: wrong passphrase');
    expect(existsSync(join(work.root, 'new-machine', '.momo', 'user-kb', 'vault.mkb'))).toBe(false);
    const r = core(['restore', '--remote', remote], { ...newHome, MOMO_CORE_PASSPHRASE: PASS });
    expect(r.stdout).toMatch(/^restored the user KB into .*new-machine\/\.momo\/user-kb: 3 sources/);
    const hits = JSON.parse(core(['search', 'deed floorboard', '--json'], { ...newHome, MOMO_CORE_PASSPHRASE: PASS }).stdout) as Array<{ kb: string }>;
    expect(hits[0].kb).toBe('user');
    expect(core(['restore', '--remote', remote], { ...newHome, MOMO_CORE_PASSPHRASE: PASS }).stderr).toContain('ERROR: a user KB already exists');
  });

  it("uses the deployment config's local-cache remote (~/.momo/data, ~ expanded) by name", () => {
    const r = core(['backup', '--remote', 'local-cache'], { MOMO_CORE_PASSPHRASE: PASS });
    expect(r.code).toBe(0);
    const data = join(work.root, 'home', '.momo', 'data');
    expect(r.stdout).toContain(`to ${data}`);
    expect(existsSync(join(data, 'momo-user-kb', 'latest.json'))).toBe(true);
    const info = JSON.parse(core(['info', '--json']).stdout) as Record<string, unknown>;
    expect(info).toMatchObject({ cacheDir: join(work.root, 'home', '.momo', 'cache'), defaultRemote: null, remotes: { 'local-cache': data } });
  });

  it('reports a remote without a backup and a damaged backup', () => {
    const empty = join(work.root, 'empty-remote');
    mkdirSync(empty, { recursive: true });
    expect(core(['restore', '--remote', empty, '--user-kb', join(work.root, 'r1')], { MOMO_CORE_PASSPHRASE: PASS }).stderr).toContain(`ERROR: no user-KB backup on '${empty}'`);
    const remote = join(work.root, 'usb-stick');
    const pointer = JSON.parse(readFileSync(join(remote, 'momo-user-kb', 'latest.json'), 'utf8')) as { object: string };
    rmSync(join(remote, pointer.object), { force: true });
    writeFileSync(join(remote, pointer.object), randomBytes(64));
    const r = core(['restore', '--remote', remote, '--user-kb', join(work.root, 'r2')], { MOMO_CORE_PASSPHRASE: PASS });
    expect(r.stderr).toContain('is damaged: md5');
    expect(existsSync(join(work.root, 'r2', 'vault.mkb'))).toBe(false);
  });
});
