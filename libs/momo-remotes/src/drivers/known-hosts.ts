import { createHmac } from 'node:crypto';

/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  /** `@revoked` lines: a key that must be refused. `@cert-authority` lines are ignored. */
  revoked: boolean;
  /** The host field: comma-separated patterns, or one `|1|salt|hash` hashed name. */
  hosts: string;
  /** Key type, e.g. `ssh-ed25519`. */
  keyType: string;
  /** The raw public key blob (base64-decoded). */
  key: Buffer;
}

/** Parses known_hosts text (OpenSSH sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"); bad lines are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0].startsWith('@')) {
      const marker = fields.shift();
      if (marker === '@cert-authority') continue;
      if (marker !== '@revoked') continue;
      revoked = true;
    }
    if (fields.length < 3) continue;
    out.push({ revoked, hosts: fields[0], keyType: fields[1], key: Buffer.from(fields[2], 'base64') });
  }
  return out;
}

/** The name OpenSSH records for a host: `host` on port 22, else `[host]:port`. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

/** True when the host field of an entry names `name` (patterns, negations or a hashed name). */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), name)) return false;
    } else if (globMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** The entries of `entries` that apply to `host`:`port`. */
export function knownKeysFor(entries: readonly KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  const name = knownHostName(host, port);
  return entries.filter((e) => hostFieldMatches(e.hosts, name));
}

/** The key type named inside a raw SSH public key blob (its first string). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return '';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** Verdict of checking a presented host key against known_hosts. */
export type HostKeyVerdict = 'known' | 'unknown' | 'mismatch' | 'revoked';

/** Checks the host key `blob` a server presented against the entries for that host. */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, blob: Buffer): HostKeyVerdict {
  const forHost = knownKeysFor(entries, host, port);
  if (forHost.some((e) => e.revoked && e.key.equals(blob))) return 'revoked';
  const trusted = forHost.filter((e) => !e.revoked);
  if (trusted.some((e) => e.key.equals(blob))) return 'known';
  return trusted.length > 0 ? 'mismatch' : 'unknown';
}
