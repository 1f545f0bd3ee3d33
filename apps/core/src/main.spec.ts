import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, tmpRepo, type TmpRepo } from '@momo/testing';
import { CORE_VERSION, main, type CoreIo } from './main.js';
import { CORE_CODES } from './codes.js';
import { isLoopback } from './network-guard.js';
import * as api from './index.js';

function io(env: Record<string, string | undefined> = {}, stdin?: string): CoreIo & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (o.stdout += t),
    err: (t: string) => void (o.stderr += t),
    cwd: '/',
    env,
    readStdin: async () => stdin,
  };
  return o;
}

let dir: TmpRepo | undefined;
afterEach(() => {
  dir?.cleanup();
  dir = undefined;
});

describe('momo-core command line', () => {
  it('reports the version of its package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'apps', 'core', 'package.json'), 'utf8')) as { version: string };
    expect(CORE_VERSION).toBe(pkg.version);
    const o = io();
    expect(await main(['--version'], o)).toBe(0);
    expect(o.stdout).toBe(`${pkg.version}\n`);
  });

  it('ends usage errors with 254 and a missing core KB with 1 and a hint', async () => {
    expect(await main(['frobnicate'], io())).toBe(254);
    expect(await main(['search', 'x', '--limit', '0'], io())).toBe(254);
    dir = tmpRepo();
    const o = io({ HOME: dir.root });
    expect(await main(['verify'], o)).toBe(1);
    expect(o.stderr).toBe(`ERROR: no frozen core knowledge base in '${join(dir.root, '.momo', 'core-kb')}' (no manifest.json)\nhint: install the bundle made by \`momo kb freeze --rev <tag> --out <dir>\` there, or pass --core <dir>\n`);
  });

  it('asks for a passphrase it cannot get, and reports a missing user KB', async () => {
    dir = tmpRepo();
    const o = io({ HOME: dir.root }, undefined);
    expect(await main(['init'], o)).toBe(254);
    expect(o.stderr).toContain('ERROR: no passphrase given');
    const l = io({ HOME: dir.root }, 'pass\n');
    expect(await main(['list'], l)).toBe(1);
    expect(l.stderr).toContain(`ERROR: no user KB in '${join(dir.root, '.momo', 'user-kb')}'`);
  });

  it('shows the deployment config with ~ expanded', async () => {
    dir = tmpRepo();
    const o = io({ HOME: dir.root });
    expect(await main(['--deployment', join(PROJECT_ROOT, 'deployment'), 'info', '--json'], o)).toBe(0);
    expect(JSON.parse(o.stdout)).toEqual({
      home: join(dir.root, '.momo'),
      core: join(dir.root, '.momo', 'core-kb'),
      userKb: join(dir.root, '.momo', 'user-kb'),
      deployment: join(PROJECT_ROOT, 'deployment'),
      cacheDir: join(dir.root, '.momo', 'cache'),
      defaultRemote: null,
      remotes: { 'local-cache': join(dir.root, '.momo', 'data') },
    });
  });
});

describe('error codes and exports', () => {
  it('registers every code it raises and raises every code it registers', () => {
    const src = join(PROJECT_ROOT, 'apps', 'core', 'src');
    let text = '';
    for (const e of readdirSync(src, { recursive: true, withFileTypes: true })) {
      if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && e.name !== 'codes.ts') text += readFileSync(join(e.parentPath, e.name), 'utf8');
    }
    const raised = new Set([...text.matchAll(/coreError\('([A-Z_]+)'/g)].map((m) => m[1]));
    expect([...raised].filter((c) => !(c in CORE_CODES))).toEqual([]);
    expect(Object.keys(CORE_CODES).filter((c) => !raised.has(c))).toEqual([]);
  });

  it('exports a small, stable surface', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "BACKUP_POINTER",
        "CORE_CODES",
        "CORE_VERSION",
        "DEFAULT_KDF",
        "LOCK_FILE",
        "MAX_USER_FILE_BYTES",
        "UserKb",
        "VAULT_FILE",
        "allowHost",
        "backupUserKb",
        "blockedConnections",
        "buildProgram",
        "deriveKey",
        "installNetworkGuard",
        "installVault",
        "isLoopback",
        "isNetworkGuardInstalled",
        "main",
        "openCoreKb",
        "openVault",
        "readUserFiles",
        "readVaultHeader",
        "renderError",
        "resolveBackupRemote",
        "restoreUserKb",
        "sealVault",
        "searchBoth",
        "startServer",
        "statusLabel",
        "writeFileAtomicDurable",
      ]
    `);
  });
});

describe('isLoopback', () => {
  it('accepts only loopback addresses and localhost', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST', 'app.localhost']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['192.0.2.1', '10.0.0.1', '0.0.0.0', '::', 'example.com', '128.0.0.1', '::ffff:10.0.0.1', 'localhost.example.com']) expect(isLoopback(h), h).toBe(false);
  });
});
