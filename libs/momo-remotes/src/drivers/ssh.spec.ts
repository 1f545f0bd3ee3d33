import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, writeFileSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { startSshd, generateSshKey, testRemote, tmpRepo, type SshdServer } from '@momo/testing';
import { isMomoError } from '@momo/errors';
import { createSshRemote, type SshRemoteOptions } from './ssh.js';

let server: SshdServer;
const home = tmpRepo({ prefix: 'momo-ssh-home-' });

beforeAll(async () => {
  server = await startSshd({ passwordUser: true });
});
afterAll(async () => {
  await server?.stop();
  home.cleanup();
});

/** A remote on the test server, isolated from the real ~/.ssh of the machine. */
function remote(extra: Partial<SshRemoteOptions> = {}, sub = '') {
  return createSshRemote({
    url: server.url(sub),
    keyfile: server.keyfile,
    homeDir: home.root,
    knownHostsFiles: [server.knownHostsFile],
    hostKeyPolicy: 'strict',
    name: 'storage',
    ...extra,
  });
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isMomoError(e) ? e.code : `not a MomoError: ${String(e)}`;
  }
}

testRemote(
  'ssh (OpenSSH sshd)',
  async () => {
    const r = remote();
    return {
      remote: r,
      seed: async (p, data) => {
        const file = join(server.root, p);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, data);
      },
    };
  },
  (ctx) => {
    it('writes objects where DVC expects them, below the URL path, unprotected', async () => {
      const d = ctx.dir();
      await ctx.remote.write(`${d}files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8`, 'foo');
      const file = join(server.root, d, 'files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8');
      expect(readFileSync(file, 'utf8')).toBe('foo');
      expect(statSync(file).mode & 0o200).toBe(0o200);
    });

    it('does not list the temp files an interrupted dvc push leaves (.<token_urlsafe(16)>.tmp)', async () => {
      const d = ctx.dir();
      const dir = join(server.root, d, 'files/md5/ac');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'bd18db4cc2f85cedef654fccc4a4d8'), 'foo');
      writeFileSync(join(dir, '.Qm9vX2Jhcl9iYXpfcXV4AQ.tmp'), 'fo');
      const listed: string[] = [];
      for await (const p of ctx.remote.list(`${d}files/`)) listed.push(p);
      expect(listed).toEqual([`${d}files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8`]);
    });

    it('answers large existsMany batches from READDIR pages, stat-ing what a page budget leaves open', async () => {
      const d = ctx.dir();
      const seed = (rel: string) => {
        const file = join(server.root, d, rel);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, rel);
      };
      // a/: 300 objects (several pages of 100 names); big/: 900 objects of which only 8 are asked
      // (a budget of one page: what it does not list is stat-ed); b/: a directory named like an
      // asked object (not an object); c/ does not exist; e/: fewer than 8 asked (stat-ed).
      const present = [
        ...Array.from({ length: 300 }, (_, i) => `a/${String(i).padStart(3, '0')}`),
        ...Array.from({ length: 900 }, (_, i) => `big/${String(i).padStart(3, '0')}`),
        ...Array.from({ length: 9 }, (_, i) => `b/${i}`),
        'e/0',
      ];
      for (const p of present) seed(p);
      mkdirSync(join(server.root, d, 'b/dir'), { recursive: true });
      const asked = [
        ...Array.from({ length: 100 }, (_, i) => `a/${String(i * 3 + (i % 2)).padStart(3, '0')}`),
        'a/300',
        ...Array.from({ length: 8 }, (_, i) => `big/${String(i * 111).padStart(3, '0')}`),
        ...Array.from({ length: 9 }, (_, i) => `b/${i}`),
        'b/dir',
        ...Array.from({ length: 10 }, (_, i) => `c/${i}`),
        'e/0',
        'e/1',
      ];
      const progress: number[] = [];
      const got = await ctx.remote.existsMany(asked.map((p) => `${d}${p}`), { onProgress: (n) => progress.push(n) });
      expect(got).toEqual(asked.map((p) => present.includes(p)));
      expect(progress.at(-1)).toBe(asked.length);
    });

    it('reconnects after the server drops the connection, retrying the interrupted call', async () => {
      const d = ctx.dir();
      await ctx.remote.write(`${d}before`, 'x');
      expect(server.dropConnections()).toBeGreaterThan(0);
      expect(await ctx.remote.exists(`${d}before`)).toBe(true);
      await ctx.remote.write(`${d}after`, 'y');
      const reads = Promise.all(Array.from({ length: 20 }, () => ctx.remote.readFile(`${d}after`)));
      server.dropConnections();
      expect((await reads).map(String)).toEqual(Array(20).fill('y'));
    });

    it('retries large uploads and downloads cut by a dropped connection instead of hanging', async () => {
      // ssh2 never answers a request sent on a channel after it died (the cleanup close of
      // fastPut/fastGet, our unlink of the temp file): found by e2e/data-sync-crash.spec.ts
      const d = ctx.dir();
      const big = join(home.root, 'big.bin');
      writeFileSync(big, Buffer.alloc(4 << 20, 7));
      const up = Promise.all([ctx.remote.upload(big, `${d}big`), ctx.remote.upload(big, `${d}big2`)]);
      await new Promise((r) => setTimeout(r, 20));
      server.dropConnections();
      await up;
      const down = ctx.remote.download(`${d}big`, join(home.root, 'back.bin'));
      await new Promise((r) => setTimeout(r, 5));
      server.dropConnections();
      await down;
      expect(readFileSync(join(home.root, 'back.bin')).equals(readFileSync(big))).toBe(true);
      expect(statSync(join(server.root, d, 'big2')).size).toBe(4 << 20);
    }, 30_000);

    it('opens more SFTP channels under parallel load, up to max_sessions', async () => {
      const r = remote({ maxSessions: 3 });
      try {
        const d = ctx.dir();
        await Promise.all(Array.from({ length: 64 }, (_, i) => r.write(`${d}p/${i}`, `x${i}`)));
        expect(await r.channelCount()).toBe(3);
      } finally {
        await r.close();
      }
    });
  },
);

describe('ssh authentication and host keys', () => {
  it('logs in with an encrypted keyfile and its passphrase', async () => {
    const r = remote({ keyfile: server.encryptedKeyfile, passphrase: server.passphrase });
    expect(await r.exists('nothing-here')).toBe(false);
    await r.close();
  });

  it('uses password as the key passphrase, as dvc-ssh does', async () => {
    const r = remote({ keyfile: server.encryptedKeyfile, password: server.passphrase });
    expect(await r.exists('nothing-here')).toBe(false);
    await r.close();
  });

  it('logs in with user and password', async () => {
    const pw = server.password!;
    const r = createSshRemote({
      url: `ssh://127.0.0.1:${server.port}${pw.root}`,
      user: pw.user,
      password: pw.password,
      homeDir: home.root,
      knownHostsFiles: [server.knownHostsFile],
    });
    await r.write('files/md5/00/11', 'via password');
    expect((await r.readFile('files/md5/00/11')).toString()).toBe('via password');
    await r.close();
  });

  it('asks for the password through askSecret when ask_password is set', async () => {
    const pw = server.password!;
    const prompts: string[] = [];
    const r = createSshRemote({
      url: `ssh://${pw.user}@127.0.0.1:${server.port}${pw.root}`,
      askPassword: true,
      askSecret: async (prompt) => {
        prompts.push(prompt);
        return pw.password;
      },
      homeDir: home.root,
      knownHostsFiles: [server.knownHostsFile],
    });
    expect(await r.exists('x')).toBe(false);
    expect(prompts).toEqual([`Enter a password for host '127.0.0.1' port '${server.port}' user '${pw.user}':`]);
    await r.close();
  });

  it('reports a wrong password as REMOTE_AUTH_FAILED', async () => {
    const pw = server.password!;
    const r = createSshRemote({ url: `ssh://${pw.user}@127.0.0.1:${server.port}${pw.root}`, password: 'wrong', homeDir: home.root, knownHostsFiles: [server.knownHostsFile] });
    expect(await codeOf(r.exists('x'))).toBe('REMOTE_AUTH_FAILED');
    await r.close();
  });

  it('reports an unauthorised key as REMOTE_AUTH_FAILED naming the user and host', async () => {
    const r = remote({ keyfile: server.unauthorisedKeyfile });
    const err = await r.exists('x').catch((e) => e);
    expect(err.code).toBe('REMOTE_AUTH_FAILED');
    expect(err.message).toContain(`[remote:ssh] authentication to ${server.user}@127.0.0.1:${server.port} failed for remote 'storage'`);
    expect(err.hint).toContain('--local');
    await r.close();
  });

  it('explains an encrypted keyfile without passphrase', async () => {
    const r = remote({ keyfile: server.encryptedKeyfile });
    const err = await r.exists('x').catch((e) => e);
    expect(err.code).toBe('REMOTE_AUTH_FAILED');
    expect(err.message).toContain('is encrypted and no passphrase is configured');
    await r.close();
  });

  it('reports a missing keyfile as a config error', async () => {
    const r = remote({ keyfile: join(home.root, 'no-such-key') });
    expect(await codeOf(r.exists('x'))).toBe('REMOTE_CONFIG_INVALID');
    await r.close();
  });

  it('refuses a host whose key differs from known_hosts', async () => {
    const other = generateSshKey(home.root, `other-${Date.now()}`);
    const kh = join(home.root, 'known_hosts_wrong');
    writeFileSync(kh, `[127.0.0.1]:${server.port} ${readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    for (const policy of ['strict', 'accept-unknown'] as const) {
      const r = remote({ knownHostsFiles: [kh], hostKeyPolicy: policy });
      expect(await codeOf(r.exists('x'))).toBe('REMOTE_HOST_KEY_MISMATCH');
      await r.close();
    }
    const off = remote({ knownHostsFiles: [kh], hostKeyPolicy: 'off' });
    expect(await off.exists('x')).toBe(false);
    await off.close();
  });

  it('refuses an unknown host only under the strict policy', async () => {
    const strict = remote({ knownHostsFiles: [] });
    expect(await codeOf(strict.exists('x'))).toBe('REMOTE_HOST_KEY_UNKNOWN');
    await strict.close();
    const lenient = remote({ knownHostsFiles: [], hostKeyPolicy: 'accept-unknown' });
    expect(await lenient.exists('x')).toBe(false);
    await lenient.close();
  });

  it('reports an auth failure on an accepted unknown host as REMOTE_AUTH_FAILED, not as a host-key error', async () => {
    const r = remote({ knownHostsFiles: [], hostKeyPolicy: 'accept-unknown', keyfile: server.unauthorisedKeyfile });
    expect(await codeOf(r.exists('x'))).toBe('REMOTE_AUTH_FAILED');
    await r.close();
  });

  it('reports a closed port as REMOTE_UNREACHABLE', async () => {
    const r = createSshRemote({ url: 'ssh://127.0.0.1:1/data', keyfile: server.keyfile, homeDir: home.root });
    const err = await r.exists('x').catch((e) => e);
    expect(err.code).toBe('REMOTE_UNREACHABLE');
    expect(err.message).toContain('cannot connect to 127.0.0.1:1');
    await r.close();
  });

  it('reports an unknown host name as REMOTE_UNREACHABLE', async () => {
    const r = createSshRemote({ url: 'ssh://no-such-host.invalid/data', keyfile: server.keyfile, homeDir: home.root, timeout: 5 });
    const err = await r.exists('x').catch((e) => e);
    expect(err.code).toBe('REMOTE_UNREACHABLE');
    expect(err.message).toContain("unknown host 'no-such-host.invalid'");
    await r.close();
  });

  it('reports a write outside the user\'s permissions as REMOTE_PERMISSION_DENIED', async () => {
    const pw = server.password!;
    const r = createSshRemote({ url: `ssh://${pw.user}@127.0.0.1:${server.port}${server.root}`, password: pw.password, homeDir: home.root, knownHostsFiles: [server.knownHostsFile] });
    expect(await codeOf(r.write('denied/x', 'x'))).toBe('REMOTE_PERMISSION_DENIED');
    await r.close();
  });
});

describe('ssh configuration sources', () => {
  it('takes host, user, port and key from ~/.ssh/config for an alias', async () => {
    const h = tmpRepo({ prefix: 'momo-ssh-cfg-' });
    try {
      mkdirSync(join(h.root, '.ssh'));
      writeFileSync(join(h.root, '.ssh', 'config'), `Host storage-box\n  HostName 127.0.0.1\n  Port ${server.port}\n  User ${server.user}\n  IdentityFile ${server.keyfile}\n`);
      writeFileSync(join(h.root, '.ssh', 'known_hosts'), readFileSync(server.knownHostsFile));
      const r = createSshRemote({ url: `ssh://storage-box${server.root}`, homeDir: h.root, hostKeyPolicy: 'strict' });
      expect(r.target).toMatchObject({ host: '127.0.0.1', port: server.port, username: server.user, root: server.root });
      await r.write('cfg/x', 'from alias');
      expect(existsSync(join(server.root, 'cfg/x'))).toBe(true);
      await r.close();
    } finally {
      h.cleanup();
    }
  });

  it('lets config keys win over the URL', () => {
    const r = createSshRemote({ url: 'ssh://alice@example.com:2222/srv/dvc', user: 'bob', port: 22, homeDir: home.root });
    expect(r.target).toEqual({ host: 'example.com', port: 22, username: 'bob', root: '/srv/dvc', identityFiles: [] });
  });

  it('rejects a URL that is not ssh://host/path', () => {
    expect(() => createSshRemote({ url: 'ssh:///no-host', homeDir: home.root })).toThrow(expect.objectContaining({ code: 'REMOTE_URL_INVALID' }));
  });
});
