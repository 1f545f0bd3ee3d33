import { describe, it, expect } from 'vitest';
import { createHmac } from 'node:crypto';
import { parseKnownHosts, checkHostKey, hostFieldMatches, knownHostName, keyTypeOfBlob } from './known-hosts.js';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}

const keyA = blob('ssh-ed25519', 'A');
const keyB = blob('ssh-ed25519', 'B');

describe('known_hosts', () => {
  it('names non-22 ports as [host]:port', () => {
    expect(knownHostName('h', 22)).toBe('h');
    expect(knownHostName('h', 2222)).toBe('[h]:2222');
  });

  it('matches plain, wildcard, negated and hashed host fields', () => {
    expect(hostFieldMatches('a.example.com,b.example.com', 'b.example.com')).toBe(true);
    expect(hostFieldMatches('*.example.com,!bad.example.com', 'bad.example.com')).toBe(false);
    expect(hostFieldMatches('*.example.com', 'x.example.com')).toBe(true);
    const salt = Buffer.from('0123456789abcdef0123');
    const hash = createHmac('sha1', salt).update('[127.0.0.1]:2222').digest('base64');
    expect(hostFieldMatches(`|1|${salt.toString('base64')}|${hash}`, '[127.0.0.1]:2222')).toBe(true);
    expect(hostFieldMatches(`|1|${salt.toString('base64')}|${hash}`, '127.0.0.1')).toBe(false);
  });

  it('tells known, unknown, mismatched and revoked keys apart', () => {
    const text = [
      '# comment',
      `[h]:2222 ssh-ed25519 ${keyA.toString('base64')}`,
      `@revoked * ssh-ed25519 ${keyB.toString('base64')}`,
      `@cert-authority * ssh-ed25519 ${keyA.toString('base64')}`,
      'garbage',
    ].join('\n');
    const entries = parseKnownHosts(text);
    expect(entries).toHaveLength(2);
    expect(checkHostKey(entries, 'h', 2222, keyA)).toBe('known');
    expect(checkHostKey(entries, 'h', 2222, keyB)).toBe('revoked');
    expect(checkHostKey(entries, 'h', 2222, blob('ssh-ed25519', 'C'))).toBe('mismatch');
    expect(checkHostKey(entries, 'other', 22, blob('ssh-ed25519', 'C'))).toBe('unknown');
    expect(keyTypeOfBlob(keyA)).toBe('ssh-ed25519');
  });
});
