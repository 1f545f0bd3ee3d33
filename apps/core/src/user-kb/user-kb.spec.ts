import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpRepo, type TmpRepo } from '@momo/testing';
import { installVault, UserKb, VAULT_FILE } from './user-kb.js';
import { deriveKey, openVault, readVaultHeader, sealVault } from './vault.js';

// A cheaper KDF than the default keeps these specs fast; the CLI and e2e tests use the default.
const FAST = { N: 1 << 14, r: 8, p: 1 };
const SECRET = 'The password of the vault at the lake house is heron-4417.';

let dir: TmpRepo | undefined;
afterEach(() => {
  dir?.cleanup();
  dir = undefined;
});

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

/** Every byte under a directory, for "no plaintext on disk" checks. */
function allBytes(root: string): Buffer {
  const parts: Buffer[] = [];
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) if (e.isFile()) parts.push(readFileSync(join(e.parentPath, e.name)));
  return Buffer.concat(parts);
}

describe('vault', () => {
  it('round-trips with the passphrase, and the header carries the scrypt parameters but no content', async () => {
    const key = await deriveKey('pass phrase', { name: 'scrypt', ...FAST, salt: Buffer.alloc(16, 7).toString('base64') });
    const bytes = sealVault(key, Buffer.from(SECRET));
    const { header } = readVaultHeader(bytes, 'v');
    expect(header).toMatchObject({ format: 'momo-user-kb', version: 1, cipher: 'aes-256-gcm', kdf: { name: 'scrypt', N: 1 << 14, r: 8, p: 1 } });
    expect(bytes.includes(Buffer.from('heron'))).toBe(false);
    expect((await openVault(bytes, 'v', { passphrase: 'pass phrase' })).plaintext.toString()).toBe(SECRET);
    // a fresh IV each time: the same content never gives the same bytes
    expect(sealVault(key, Buffer.from(SECRET)).equals(bytes)).toBe(false);
  });

  it('tells a wrong passphrase from a modified file', async () => {
    const key = await deriveKey('right', { name: 'scrypt', ...FAST, salt: Buffer.alloc(16, 1).toString('base64') });
    const bytes = sealVault(key, Buffer.from(SECRET));
    await expect(openVault(bytes, 'v', { passphrase: 'wrong' })).rejects.toMatchObject({ code: 'CORE_PASSPHRASE_WRONG' });
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 20] ^= 1;
    await expect(openVault(flipped, 'v', { passphrase: 'right' })).rejects.toMatchObject({ code: 'CORE_USER_KB_CORRUPT' });
    // the header is authenticated too: a changed IV or salt is caught
    const header = readVaultHeader(bytes, 'v');
    const text = bytes.subarray(12, header.aad.length).toString('utf8');
    const swapped = Buffer.concat([bytes.subarray(0, 12), Buffer.from(text.replace(/"iv":"(.)/, (_m, c: string) => `"iv":"${c === 'A' ? 'B' : 'A'}`)), bytes.subarray(header.aad.length)]);
    await expect(openVault(swapped, 'v', { passphrase: 'right' })).rejects.toMatchObject({ code: 'CORE_USER_KB_CORRUPT' });
    await expect(openVault(Buffer.from('not a vault at all, no'), 'v', { passphrase: 'right' })).rejects.toMatchObject({ code: 'CORE_USER_KB_CORRUPT' });
  });
});

describe('UserKb', () => {
  it('adds files, folders and notes, finds them, and keeps no plaintext on disk', async () => {
    dir = tmpRepo();
    dir.gen({
      private: {
        'diary.txt': `${SECRET}\nOther lines.\n`,
        notes: { 'ideas.md': '# Ideas\n\nA greenhouse heated by compost.\n', 'tool.ts': '/** Waters the tomatoes at dawn. */\nexport function waterTomatoes(): number {\n  return 3;\n}\n' },
        '.hidden': 'skipped',
        'photo.bin': Buffer.from([0, 1, 2, 3]),
      },
    });
    const kbDir = join(dir.root, 'user-kb');
    const kb = await UserKb.create({ dir: kbDir, passphrase: 'lake house', kdf: FAST });
    const file = await kb.addPath(join(dir.root, 'private', 'diary.txt'));
    expect(file.source).toMatchObject({ kind: 'file', files: 1 });
    const folder = await kb.addPath(join(dir.root, 'private', 'notes'));
    expect(folder.source).toMatchObject({ kind: 'folder', files: 2 });
    await kb.addNote({ title: 'Shopping', text: 'Buy heron-shaped cookies.' });
    expect((await kb.search('heron password lake house'))[0].doc.source).toBe(join(dir.root, 'private', 'diary.txt'));
    expect((await kb.search('water tomatoes'))[0].doc).toMatchObject({ symbol: 'waterTomatoes', startLine: 1 });
    expect(kb.list().map((s) => s.kind)).toEqual(['file', 'folder', 'note']);
    await kb.close();

    expect(readdirSync(kbDir)).toEqual([VAULT_FILE]);
    expect(statSync(kbDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(kbDir, VAULT_FILE)).mode & 0o777).toBe(0o600);
    const disk = allBytes(kbDir);
    for (const needle of ['heron', 'greenhouse', 'waterTomatoes', 'Shopping', 'diary.txt', 'private']) expect(disk.includes(Buffer.from(needle))).toBe(false);

    const again = await UserKb.open({ dir: kbDir, passphrase: 'lake house', write: false });
    expect(again.list().map((s) => s.kind)).toEqual(['file', 'folder', 'note']);
    expect((await again.search('greenhouse compost'))[0].doc.title).toContain('ideas.md');
    await again.close();
  });

  it('refuses a wrong passphrase without changing a byte or taking the lock', async () => {
    dir = tmpRepo();
    const kbDir = join(dir.root, 'kb');
    const kb = await UserKb.create({ dir: kbDir, passphrase: 'right', kdf: FAST });
    await kb.addNote({ title: 't', text: SECRET });
    await kb.close();
    const before = sha(join(kbDir, VAULT_FILE));
    await expect(UserKb.open({ dir: kbDir, passphrase: 'wrong' })).rejects.toMatchObject({ code: 'CORE_PASSPHRASE_WRONG', message: `wrong passphrase for the user KB '${kbDir}'` });
    expect(sha(join(kbDir, VAULT_FILE))).toBe(before);
    expect(readdirSync(kbDir)).toEqual([VAULT_FILE]);
  });

  it('re-encrypts under a new passphrase: the old one stops working, the content stays', async () => {
    dir = tmpRepo();
    const kbDir = join(dir.root, 'kb');
    const kb = await UserKb.create({ dir: kbDir, passphrase: 'old', kdf: FAST });
    await kb.addNote({ title: 'n', text: SECRET });
    const saltBefore = readVaultHeader(readFileSync(join(kbDir, VAULT_FILE)), 'v').header.kdf.salt;
    await kb.changePassphrase('new');
    await kb.close();
    expect(readVaultHeader(readFileSync(join(kbDir, VAULT_FILE)), 'v').header.kdf.salt).not.toBe(saltBefore);
    await expect(UserKb.open({ dir: kbDir, passphrase: 'old' })).rejects.toMatchObject({ code: 'CORE_PASSPHRASE_WRONG' });
    const reopened = await UserKb.open({ dir: kbDir, passphrase: 'new' });
    expect((await reopened.search('heron'))[0].doc.content).toContain('heron-4417');
    await reopened.close();
  });

  it('has one writer at a time, takes over a stale lock, and removes sources', async () => {
    dir = tmpRepo();
    const kbDir = join(dir.root, 'kb');
    const a = await UserKb.create({ dir: kbDir, passphrase: 'p', kdf: FAST });
    await expect(UserKb.open({ dir: kbDir, passphrase: 'p' })).rejects.toMatchObject({ code: 'CORE_USER_KB_LOCKED' });
    // a restore cannot replace the vault under a running writer either
    expect(() => installVault(kbDir, a.vaultBytes())).toThrow(expect.objectContaining({ code: 'CORE_USER_KB_LOCKED' }));
    const reader = await UserKb.open({ dir: kbDir, passphrase: 'p', write: false });
    await reader.close();
    const note = await a.addNote({ title: 'gone soon', text: 'temporary words' });
    await a.remove(note.source.id);
    await expect(a.remove(note.source.id)).rejects.toMatchObject({ code: 'CORE_SOURCE_NOT_FOUND' });
    expect(await a.search('temporary')).toEqual([]);
    await a.close();
    expect(existsSync(join(kbDir, 'lock'))).toBe(false);
    // a lock left by a process that no longer exists
    writeFileSync(join(kbDir, 'lock'), '999999');
    const b = await UserKb.open({ dir: kbDir, passphrase: 'p' });
    expect(b.list()).toEqual([]);
    await b.close();
  });

  it('reports a missing KB, an existing one, and a path with nothing to add', async () => {
    dir = tmpRepo();
    await expect(UserKb.open({ dir: join(dir.root, 'none'), passphrase: 'p' })).rejects.toMatchObject({ code: 'CORE_USER_KB_NOT_FOUND' });
    const kb = await UserKb.create({ dir: join(dir.root, 'kb'), passphrase: 'p', kdf: FAST });
    await expect(kb.addPath(join(dir.root, 'missing.txt'))).rejects.toMatchObject({ code: 'CORE_PATH_NOT_FOUND' });
    dir.gen({ bin: { 'x.bin': Buffer.from([0, 0, 0]) } });
    await expect(kb.addPath(join(dir.root, 'bin'))).rejects.toMatchObject({ code: 'CORE_PATH_NOT_FOUND' });
    await kb.close();
    await expect(UserKb.create({ dir: join(dir.root, 'kb'), passphrase: 'p', kdf: FAST })).rejects.toMatchObject({ code: 'CORE_USER_KB_EXISTS' });
  });
});
