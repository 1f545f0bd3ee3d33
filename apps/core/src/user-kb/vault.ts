/**
 * Encryption at rest for the user KB: one vault file, AES-256-GCM under a key derived from the
 * passphrase with scrypt, the KDF parameters and salt stored in the file's (authenticated)
 * header. Nothing of the user's content is ever written in clear: the plaintext exists only in
 * memory, the temp file of an atomic write holds ciphertext, and stray temp files are ciphertext.
 *
 * File layout (`vault.mkb`):
 *   MAGIC (8 bytes "MOMOUKB\x01") | header length (u32 BE) | header (JSON, UTF-8) | ciphertext | GCM tag (16)
 * The additional authenticated data is everything before the ciphertext, so the header (KDF
 * parameters, salt, IV) cannot be changed without detection. The plaintext is gzip-compressed JSON.
 *
 * scrypt yields 64 bytes: the first 32 are the AES key, the other 32 hash to `check`, which tells a
 * wrong passphrase (CORE_PASSPHRASE_WRONG) from a damaged file (CORE_USER_KB_CORRUPT).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { coreError, EXIT } from '../errors.js';

const MAGIC = Buffer.from('MOMOUKB\x01', 'latin1');
const TAG_BYTES = 16;
const IV_BYTES = 12;

/** scrypt parameters as stored in the vault header. */
export interface KdfParams {
  name: 'scrypt';
  /** CPU/memory cost (a power of two) */
  N: number;
  r: number;
  p: number;
  /** base64 salt (16 random bytes) */
  salt: string;
}

/** The vault header (plain, authenticated). It holds no user content. */
export interface VaultHeader {
  format: 'momo-user-kb';
  version: 1;
  cipher: 'aes-256-gcm';
  compression: 'gzip';
  kdf: KdfParams;
  /** hex sha256 of the second half of the scrypt output */
  check: string;
  /** base64 GCM nonce, fresh for every write */
  iv: string;
}

/** A derived key, kept in memory while the user KB is open. */
export interface VaultKey {
  kdf: KdfParams;
  key: Buffer;
  check: string;
}

/** Default KDF cost: N = 2^17, r = 8, p = 1 (~0.3 s and 128 MiB on this class of machine). */
export const DEFAULT_KDF = { N: 1 << 17, r: 8, p: 1 } as const;
/** Largest N accepted from a file (a hostile header must not make unlocking take hours). */
const MAX_N = 1 << 22;

function scrypt(passphrase: Buffer, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(passphrase, salt, length, options, (err, key) => (err ? reject(err) : resolve(key))));
}

function passphraseBytes(passphrase: string): Buffer {
  return Buffer.from(passphrase.normalize('NFC'), 'utf8');
}

/** Derives the vault key of `passphrase` under `kdf` (a new random salt when `kdf` is omitted). */
export async function deriveKey(passphrase: string, kdf?: KdfParams): Promise<VaultKey> {
  const params: KdfParams = kdf ?? { name: 'scrypt', ...DEFAULT_KDF, salt: randomBytes(16).toString('base64') };
  const out = await scrypt(passphraseBytes(passphrase), Buffer.from(params.salt, 'base64'), 64, {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.N * params.r + 32 * 1024 * 1024,
  });
  return { kdf: params, key: out.subarray(0, 32), check: createHash('sha256').update(out.subarray(32)).digest('hex') };
}

/** Encrypts `plaintext` into the vault file format. */
export function sealVault(key: VaultKey, plaintext: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const header: VaultHeader = { format: 'momo-user-kb', version: 1, cipher: 'aes-256-gcm', compression: 'gzip', kdf: key.kdf, check: key.check, iv: iv.toString('base64') };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(headerBytes.length);
  const aad = Buffer.concat([MAGIC, len, headerBytes]);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(gzipSync(plaintext)), cipher.final()]);
  return Buffer.concat([aad, body, cipher.getAuthTag()]);
}

/** Parses the header of vault bytes (no passphrase needed). @throws CORE_USER_KB_CORRUPT */
export function readVaultHeader(bytes: Buffer, file: string): { header: VaultHeader; aad: Buffer } {
  const corrupt = (why: string) =>
    coreError('CORE_USER_KB_CORRUPT', `'${file}' is not a momo user-KB vault (${why})`, {
      hint: 'restore the user KB from a backup (`momo-core restore --remote <url>`)',
      data: { file },
    });
  if (bytes.length < MAGIC.length + 4 + TAG_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw corrupt('bad magic');
  const n = bytes.readUInt32BE(MAGIC.length);
  const end = MAGIC.length + 4 + n;
  if (end + TAG_BYTES > bytes.length) throw corrupt('truncated header');
  let header: VaultHeader;
  try {
    header = JSON.parse(bytes.subarray(MAGIC.length + 4, end).toString('utf8')) as VaultHeader;
  } catch {
    throw corrupt('header is not JSON');
  }
  const k = header?.kdf;
  const pow2 = (x: number) => Number.isInteger(x) && x > 1 && (x & (x - 1)) === 0;
  if (header?.format !== 'momo-user-kb' || header.version !== 1 || header.cipher !== 'aes-256-gcm' || k?.name !== 'scrypt' || !pow2(k.N) || k.N > MAX_N || !(k.r >= 1 && k.r <= 32) || !(k.p >= 1 && k.p <= 16)) {
    throw corrupt('unsupported header');
  }
  return { header, aad: bytes.subarray(0, end) };
}

/**
 * Decrypts vault bytes. `key` (already derived) skips scrypt when its salt and parameters match.
 * @throws CORE_PASSPHRASE_WRONG (nothing is changed), CORE_USER_KB_CORRUPT
 */
export async function openVault(bytes: Buffer, file: string, secret: { passphrase: string } | { key: VaultKey }): Promise<{ plaintext: Buffer; key: VaultKey }> {
  const { header, aad } = readVaultHeader(bytes, file);
  let key: VaultKey;
  if ('key' in secret && secret.key.kdf.salt === header.kdf.salt && secret.key.kdf.N === header.kdf.N) key = secret.key;
  else if ('passphrase' in secret) key = await deriveKey(secret.passphrase, header.kdf);
  else throw coreError('CORE_PASSPHRASE_WRONG', `the user KB '${dirname(file)}' was re-keyed by another process`, { hint: 'unlock it again with the current passphrase' });
  const a = Buffer.from(key.check, 'hex');
  const b = Buffer.from(header.check, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw coreError('CORE_PASSPHRASE_WRONG', `wrong passphrase for the user KB '${dirname(file)}'`, {
      hint: 'try again; a forgotten passphrase cannot be recovered, the KB can only be restored from a backup made with a known one',
      exitCode: EXIT.FAILED,
      data: { dir: dirname(file) },
    });
  }
  const body = bytes.subarray(aad.length, bytes.length - TAG_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(header.iv, 'base64'));
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const zipped = Buffer.concat([decipher.update(body), decipher.final()]);
    return { plaintext: gunzipSync(zipped), key };
  } catch (e) {
    throw coreError('CORE_USER_KB_CORRUPT', `the user KB vault '${file}' fails authentication: it was modified or damaged`, {
      hint: 'restore the user KB from a backup (`momo-core restore --remote <url>`)',
      data: { file },
      cause: e,
    });
  }
}

/** Prefix of the temp files of {@link writeFileAtomicDurable} (ciphertext only). */
export const TEMP_SUFFIX = '.tmp';

/**
 * Writes a file so that a crash at any point leaves the previous content or the new one: temp
 * file in the same directory (mode 0600, created exclusively), fsync, rename, fsync of the directory.
 */
export function writeFileAtomicDurable(file: string, data: Buffer): void {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    // write in slices so a large vault is not one giant syscall (and a kill can land mid-write)
    const slice = 1 << 20;
    for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, Math.min(slice, data.length - off));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/** Removes temp files left by an interrupted write (they hold ciphertext of an unfinished state). */
export function removeStaleTemps(dir: string, of: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(`.${of}.`) && name.endsWith(TEMP_SUFFIX)) {
      rmSync(join(dir, name), { force: true });
      n++;
    }
  }
  return n;
}
