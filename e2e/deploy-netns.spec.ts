/**
 * Deployment, step 3: provably no network. The deployed app runs inside a fresh network namespace
 * that has only loopback (`unshare --net`, as root), under `strace -f`, through a whole session:
 * verify the frozen core KB, unlock the user KB, serve the web page, add a note and a folder over
 * HTTP, search both KBs, back up to a local remote. Then:
 * - every connect()/sendto()/sendmsg() system call of every process is to loopback or a Unix socket;
 * - a probe preloaded into the running app tries TCP, fetch, DNS and UDP to outside addresses: the
 *   app's guard refuses each one loudly (NETWORK_BLOCKED, a BLOCKED line on stderr) before any
 *   system call, so the trace never shows them.
 * Nothing can leave the machine during this test: the namespace has no route but loopback.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, testEnv, tmpRepo, type TmpRepo } from '@momo/testing';
import { makeReleaseRepo, momo } from '../apps/core/src/__fixtures__/release-repo.js';

// real processes (git, DVC, scrypt, Chromium) on a shared 2-core machine: generous limits
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const CORE_BIN = join(PROJECT_ROOT, 'apps', 'core', 'bin', 'momo-core.js');
const PASS = 'offline and proud';

let work: TmpRepo;

// Runs inside the namespace: starts `momo-core serve` (with the probe preloaded), drives its API
// over loopback like the page does, stops it, then runs a backup; prints one JSON line.
const DRIVER = String.raw`
import { spawn, spawnSync } from 'node:child_process';

const [bin, core, home, probe, notesDir, backupDir] = process.argv.slice(2);
const env = { ...process.env, HOME: home, MOMO_CORE_PASSPHRASE: ${JSON.stringify(PASS)} };
const server = spawn(process.execPath, ['--import', probe, bin, '--core', core, 'serve', '--log'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let out = '', err = '';
server.stdout.on('data', (c) => (out += c));
server.stderr.on('data', (c) => (err += c));
const url = await new Promise((resolve, reject) => {
  const t = setInterval(() => { const m = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out); if (m) { clearInterval(t); resolve(m[1]); } }, 20);
  server.on('exit', (code) => reject(new Error('server exited ' + code + ': ' + err)));
});
const page = await (await fetch(url)).text();
const token = /const TOKEN = "([^"]+)"/.exec(page)[1];
const api = async (method, path, body) => (await fetch(new URL(path, url), { method, headers: { 'x-momo-token': token, 'content-type': 'application/json' }, body: body && JSON.stringify(body) })).json();
const note = await api('POST', '/api/notes', { title: 'Lighthouse', text: 'The lighthouse keeper configures the remote beacon every night.' });
const folder = await api('POST', '/api/paths', { path: notesDir });
const search = await api('POST', '/api/search', { query: 'configure remote lighthouse beacon', limit: 10 });
await new Promise((r) => setTimeout(r, 1500)); // the probe fires 500 ms after start
const status = await api('GET', '/api/status');
server.kill('SIGTERM');
const exitCode = await new Promise((r) => server.on('exit', (code) => r(code)));
const backup = spawnSync(process.execPath, [bin, '--core', core, 'backup', '--remote', backupDir], { env, encoding: 'utf8' });
console.log(JSON.stringify({ page: page.length, note, folder, kbs: [...new Set(search.hits.map((h) => h.kb))].sort(), status, exitCode, stderr: err, backup: { code: backup.status, out: backup.stdout, err: backup.stderr } }));
`;

// Preloaded into momo-core: after start-up, try to reach the outside in four ways.
const PROBE = String.raw`
setTimeout(async () => {
  const tries = {
    tcp: () => new Promise((res, rej) => { const s = (globalThis.__net).connect(443, '192.0.2.1'); s.on('error', rej); s.on('connect', res); }),
    fetch: () => fetch('https://updates.example.com/latest'),
    dns: () => (globalThis.__dns).promises.lookup('telemetry.example.com'),
    udp: () => new Promise((res, rej) => { const u = (globalThis.__dgram).createSocket('udp4'); u.send('x', 53, '192.0.2.53', (e) => (e ? rej(e) : res())); }),
  };
  for (const [name, fn] of Object.entries(tries)) {
    try { await fn(); process.stderr.write('probe ' + name + ': CONNECTED\n'); }
    catch (e) { const c = e?.code ?? e?.cause?.code; process.stderr.write('probe ' + name + ': ' + c + '\n'); }
  }
}, 500);
`;

beforeAll(async () => {
  const release = await makeReleaseRepo();
  work = tmpRepo({ prefix: 'momo-netns-' });
  expect(momo(release.root, ['kb', 'freeze', '--rev', 'v1.0.0', '--out', join(work.root, 'core-kb')]).code).toBe(0);
  release.cleanup();
  work.gen({ notes: { 'harbour.md': '# Harbour\n\nThe beacon remote is configured from the harbour office.\n' } });
  writeFileSync(join(work.root, 'driver.mjs'), DRIVER);
  // the probe gets net/dns/dgram through the same module instances the app patches
  writeFileSync(join(work.root, 'probe.mjs'), `import net from 'node:net'; import dns from 'node:dns'; import dgram from 'node:dgram';\nglobalThis.__net = net; globalThis.__dns = dns; globalThis.__dgram = dgram;\n${PROBE}`);
  const init = spawnSync(process.execPath, [CORE_BIN, 'init'], { env: testEnv({ HOME: join(work.root, 'home'), MOMO_CORE_PASSPHRASE: PASS }), encoding: 'utf8' });
  expect(init.status).toBe(0);
});

afterAll(() => work?.cleanup());

describe('momo-core in a network namespace with only loopback', () => {
  it('works end to end, makes no non-loopback system call, and refuses every outbound attempt loudly', () => {
    const trace = join(work.root, 'trace');
    const ns = spawnSync(
      'unshare',
      [
        '--net',
        '--',
        'sh',
        '-c',
        // only loopback exists (and is down) in a new namespace: bring it up, show the routes, run
        'ip link set lo up && ip -o link show | cut -d: -f2 && exec strace -f -qq -e trace=connect,sendto,sendmsg -o "$0" "$@"',
        trace,
        process.execPath,
        join(work.root, 'driver.mjs'),
        CORE_BIN,
        join(work.root, 'core-kb'),
        join(work.root, 'home'),
        join(work.root, 'probe.mjs'),
        join(work.root, 'notes'),
        join(work.root, 'backup'),
      ],
      { env: testEnv(), encoding: 'utf8', timeout: 180_000 },
    );
    expect(ns.stderr).toBe('');
    expect(ns.status).toBe(0);
    const [links, json] = [ns.stdout.split('\n').filter((l) => l.trim() && !l.startsWith('{')), ns.stdout.split('\n').find((l) => l.startsWith('{'))!];
    expect(links.map((l) => l.trim())).toEqual(['lo']);
    const r = JSON.parse(json) as {
      note: { source: { kind: string } };
      folder: { source: { kind: string; files: number } };
      kbs: string[];
      status: { blockedConnections: number };
      exitCode: number;
      stderr: string;
      backup: { code: number; out: string; err: string };
    };
    // the session worked offline
    expect(r.note.source.kind).toBe('note');
    expect(r.folder.source).toMatchObject({ kind: 'folder', files: 1 });
    expect(r.kbs).toEqual(['core', 'user']);
    expect(r.exitCode).toBe(0);
    expect(r.backup).toMatchObject({ code: 0, err: '' });
    expect(r.backup.out).toMatch(/^backed up \d+ bytes of ciphertext to /);
    // every outbound attempt was refused by the guard, loudly, before reaching the kernel
    for (const name of ['tcp', 'fetch', 'dns', 'udp']) expect(r.stderr).toContain(`probe ${name}: NETWORK_BLOCKED`);
    expect(r.stderr).toContain('momo-core: BLOCKED outbound tcp to 192.0.2.1:443 (deployed mode is local-only)');
    expect(r.stderr).toContain('momo-core: BLOCKED outbound tcp to updates.example.com:443');
    expect(r.stderr).toContain('momo-core: BLOCKED outbound dns to telemetry.example.com');
    expect(r.stderr).toContain('momo-core: BLOCKED outbound udp to 192.0.2.53');
    expect(r.status.blockedConnections).toBe(4);
    // the request log names routes only, never content
    expect(r.stderr).toContain('POST /api/search 200');
    expect(r.stderr).not.toContain('lighthouse');

    // the system-call trace of every process: loopback and Unix sockets only
    const calls = readFileSync(trace, 'utf8').split('\n').filter((l) => /\b(connect|sendto|sendmsg)\(/.test(l));
    const inet = calls.filter((l) => /sa_family=AF_INET6?\b/.test(l));
    expect(inet.length).toBeGreaterThan(0); // the driver's own loopback HTTP calls are there
    const outside = inet.filter((l) => !/inet_addr\("127\.\d+\.\d+\.\d+"\)|inet_pton\(AF_INET6, "::1"|inet_pton\(AF_INET6, "::ffff:127\./.test(l));
    expect(outside).toEqual([]);
    expect(calls.some((l) => l.includes('192.0.2.'))).toBe(false);
    // and the user KB directory still holds only ciphertext
    expect(readdirSync(join(work.root, 'home', '.momo', 'user-kb'))).toEqual(['vault.mkb']);
    expect(readFileSync(join(work.root, 'home', '.momo', 'user-kb', 'vault.mkb')).includes(Buffer.from('lighthouse'))).toBe(false);
  }, 240_000);

  it('has no route out: a plain connection attempt without the app fails in the namespace', () => {
    const r = spawnSync('unshare', ['--net', '--', process.execPath, '-e', "require('net').connect(443, '192.0.2.1').on('error', (e) => { console.log(e.code); })"], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stdout.trim()).toBe('ENETUNREACH');
  });
});
