/**
 * Optional backup of the user KB to a remote the user controls, through any @momo/remotes driver
 * (a local path, ssh://, s3://, http(s)://). What leaves the machine is the vault file exactly as
 * on disk: ciphertext sealed with the user's passphrase (client-side encryption), stored
 * content-addressed like a DVC object (`files/md5/xx/…`), plus a pointer `momo-user-kb/latest.json`
 * (md5 and size only). `restore` fetches it, checks the md5, proves the passphrase opens it, and
 * only then installs it atomically.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Remote, RemoteConfig } from '@momo/remotes';
import { coreError } from './errors.js';
import { allowHost } from './network-guard.js';
import { installVault, UserKb, VAULT_FILE } from './user-kb/user-kb.js';
import { openVault } from './user-kb/vault.js';

/** Remote-relative path of the backup pointer. */
export const BACKUP_POINTER = 'momo-user-kb/latest.json';

/** The pointer file's content (no user content). */
export interface BackupPointer {
  format: 'momo-user-kb-backup';
  version: 1;
  md5: string;
  size: number;
  object: string;
}

/** Options naming the remote: a URL/path, or a remote of the deployment config (`local-cache`). */
export interface BackupRemoteOptions {
  remote: string;
  /** directory holding the deployment `.dvc/config` (its remotes can be named) */
  deploymentDir?: string;
  cwd: string;
  env?: Record<string, string | undefined>;
}

/** Resolves `--remote` to a driver config: a remote name of the deployment config, else a URL or path. */
export async function resolveBackupRemote(options: BackupRemoteOptions): Promise<{ name: string; config: RemoteConfig }> {
  const dep = options.deploymentDir;
  if (dep && existsSync(join(dep, '.dvc', 'config')) && /^[\w.-]+$/.test(options.remote)) {
    const { loadConfig, resolveRemoteConfig } = await import('@momo/dvc');
    const config = loadConfig({ root: dep, env: options.env });
    if (config.remoteNames.includes(options.remote.toLowerCase())) {
      const r = resolveRemoteConfig(config, { name: options.remote });
      return { name: r.name, config: { ...r.options, url: r.url } };
    }
  }
  const url = /^[a-z][a-z0-9+.-]+:\/\//i.test(options.remote) || isAbsolute(options.remote) ? options.remote : resolve(options.cwd, options.remote);
  return { name: 'backup', config: { url } };
}

/** Lets the network guard through to the remote's host (the only host deployed mode may reach). */
function allowRemoteHost(config: RemoteConfig): void {
  const url = String(config.url);
  const m = /^([a-z][a-z0-9+.-]+):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/i.exec(url);
  if (!m) return;
  const scheme = m[1].toLowerCase();
  if (scheme === 's3') {
    const endpoint = (config as Record<string, unknown>).endpointurl;
    if (typeof endpoint === 'string') {
      const e = /^[a-z]+:\/\/(\[[^\]]+\]|[^:/]+)/i.exec(endpoint);
      if (e) allowHost(e[1]);
    }
    return;
  }
  allowHost(m[2]);
}

async function openRemote(options: BackupRemoteOptions): Promise<Remote> {
  const { name, config } = await resolveBackupRemote(options);
  allowRemoteHost(config);
  const { createRemote } = await import('@momo/remotes');
  return createRemote({ config, name, homeDir: options.env?.HOME, sshAgent: options.env?.SSH_AUTH_SOCK });
}

function objectPath(md5: string): string {
  return `files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`;
}

/** Result of {@link backupUserKb}. */
export interface BackupResult {
  url: string;
  md5: string;
  size: number;
  /** false when the remote already had this exact ciphertext */
  uploaded: boolean;
}

/** Pushes the (encrypted) user KB to the remote. */
export async function backupUserKb(options: BackupRemoteOptions & { userKb: UserKb }): Promise<BackupResult> {
  const bytes = options.userKb.vaultBytes();
  const md5 = createHash('md5').update(bytes).digest('hex');
  const remote = await openRemote(options);
  try {
    const object = objectPath(md5);
    const uploaded = !(await remote.exists(object));
    if (uploaded) await remote.write(object, bytes, { size: bytes.length });
    const pointer: BackupPointer = { format: 'momo-user-kb-backup', version: 1, md5, size: bytes.length, object };
    await remote.write(BACKUP_POINTER, `${JSON.stringify(pointer, null, 2)}\n`);
    return { url: remote.url, md5, size: bytes.length, uploaded };
  } finally {
    await remote.close();
  }
}

/**
 * Brings the user KB back from the remote into `dir` (a new machine): verified md5, opened with
 * the passphrase before anything is written. @throws CORE_BACKUP_NOT_FOUND, CORE_BACKUP_CORRUPT,
 * CORE_PASSPHRASE_WRONG, CORE_USER_KB_EXISTS (without `force`)
 */
export async function restoreUserKb(options: BackupRemoteOptions & { dir: string; passphrase: string; force?: boolean }): Promise<{ md5: string; size: number; sources: number }> {
  if (UserKb.exists(options.dir) && !options.force) {
    throw coreError('CORE_USER_KB_EXISTS', `a user KB already exists in '${options.dir}'`, { hint: 'pass --force to replace it with the backup, or restore into another --user-kb directory' });
  }
  const remote = await openRemote(options);
  let bytes: Buffer;
  let pointer: BackupPointer;
  try {
    try {
      pointer = JSON.parse((await remote.readFile(BACKUP_POINTER)).toString('utf8')) as BackupPointer;
    } catch (e) {
      throw coreError('CORE_BACKUP_NOT_FOUND', `no user-KB backup on '${remote.url}'`, { hint: 'check the remote, or make one with `momo-core backup --remote <url>`', cause: e });
    }
    if (pointer?.format !== 'momo-user-kb-backup' || !/^[0-9a-f]{32}$/.test(pointer.md5)) {
      throw coreError('CORE_BACKUP_CORRUPT', `'${BACKUP_POINTER}' on '${remote.url}' is not a momo user-KB backup pointer`, { hint: 'make a fresh backup' });
    }
    bytes = await remote.readFile(objectPath(pointer.md5));
  } finally {
    await remote.close();
  }
  const actual = createHash('md5').update(bytes).digest('hex');
  if (actual !== pointer.md5) {
    throw coreError('CORE_BACKUP_CORRUPT', `the backup on '${options.remote}' is damaged: md5 ${actual}, expected ${pointer.md5}`, { hint: 'restore an older copy, or back up again from a machine that has the KB' });
  }
  // proves the passphrase (and the ciphertext) before anything is written
  const opened = await openVault(bytes, join(options.dir, VAULT_FILE), { passphrase: options.passphrase });
  const data = JSON.parse(opened.plaintext.toString('utf8')) as { sources?: unknown[] };
  installVault(options.dir, bytes);
  return { md5: actual, size: bytes.length, sources: Array.isArray(data.sources) ? data.sources.length : 0 };
}
