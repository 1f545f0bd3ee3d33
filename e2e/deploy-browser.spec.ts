/**
 * Deployment, step 4: the web page in a real browser. Headless Debian Chromium driven by
 * playwright-core opens the page `momo-core serve` gives on 127.0.0.1, adds a note and a folder to
 * the encrypted user KB, searches, and sees hits from both knowledge bases, each labelled.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { PROJECT_ROOT, testEnv, tmpRepo, type TmpRepo } from '@momo/testing';
import { makeReleaseRepo, momo } from '../apps/core/src/__fixtures__/release-repo.js';

// real processes (git, DVC, scrypt, Chromium) on a shared 2-core machine: generous limits
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const CORE_BIN = join(PROJECT_ROOT, 'apps', 'core', 'bin', 'momo-core.js');
const PASS = 'browser pass';
const CHROMIUM = '/usr/bin/chromium';

let work: TmpRepo;
let server: ChildProcess;
let url: string;
let context: BrowserContext;
let serverErr = '';

beforeAll(async () => {
  const release = await makeReleaseRepo();
  work = tmpRepo({ prefix: 'momo-browser-' });
  expect(momo(release.root, ['kb', 'freeze', '--rev', 'v1.0.0', '--out', join(work.root, 'core-kb')]).code).toBe(0);
  release.cleanup();
  work.gen({ recipes: { 'bread.md': '# Sourdough\n\nFeed the starter with rye flour the night before baking.\n' } });
  const env = testEnv({ HOME: join(work.root, 'home'), MOMO_CORE_PASSPHRASE: PASS });
  expect(spawnSync(process.execPath, [CORE_BIN, 'init'], { env, encoding: 'utf8' }).status).toBe(0);
  server = spawn(process.execPath, [CORE_BIN, '--core', join(work.root, 'core-kb'), 'serve', '--log'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr!.on('data', (c: Buffer) => (serverErr += c.toString()));
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`momo-core serve exited ${code}: ${serverErr}`)));
  });
  const profile = join(work.root, 'chromium-profile');
  mkdirSync(profile);
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  server?.kill('SIGTERM');
  if (server && server.exitCode === null) await new Promise((r) => server.once('exit', r));
  work?.cleanup();
});

describe('the momo-core web page in Chromium', () => {
  it('adds a note and a folder, then shows hits from the core KB and the user KB, labelled', async () => {
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url);
    await expect(page.title()).resolves.toBe('momo — local knowledge');
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('Core KB (frozen): v1.0.0'));

    await page.fill('#note-title', 'Beacon duty');
    await page.fill('#note-text', 'Remember to configure the remote beacon before the storm.');
    await page.click('#add-note');
    await page.waitForFunction(() => document.getElementById('message')!.textContent!.startsWith('Added note "Beacon duty"'));
    await page.fill('#path', join(work.root, 'recipes'));
    await page.click('#add-path');
    await page.waitForFunction(() => document.getElementById('message')!.textContent!.startsWith('Added folder'));
    await page.waitForFunction(() => document.querySelectorAll('ul#sources li.source').length === 2);

    await page.fill('#q', 'configure remote');
    await page.click('#search');
    await page.waitForSelector('li.hit');
    const hits = await page.$$eval('li.hit', (lis) => lis.map((li) => ({ kb: (li as HTMLElement).dataset.kb, badge: li.querySelector('.kb')!.textContent, where: li.querySelector('.where')!.textContent })));
    expect(new Set(hits.map((h) => h.kb))).toEqual(new Set(['core', 'user']));
    expect(hits.find((h) => h.kb === 'user')!.badge).toBe('Your KB');
    expect(hits.find((h) => h.kb === 'core')!.badge).toBe('Core KB');
    expect(hits.some((h) => h.kb === 'core' && h.where!.startsWith('libs/storage/src/remote.ts'))).toBe(true);
    await page.screenshot({ path: join(work.root, 'page.png'), fullPage: true });

    await page.fill('#q', 'sourdough starter rye');
    await page.click('#search');
    await page.waitForFunction(() => document.querySelector('li.hit .where')?.textContent?.includes('bread.md'));
    expect(await page.$eval('li.hit', (li) => (li as HTMLElement).dataset.kb)).toBe('user');

    // the page only ever talked to its own loopback origin
    expect(requests.length).toBeGreaterThan(3);
    expect(requests.filter((r) => !r.startsWith(url))).toEqual([]);
    // what the browser added is encrypted on disk, and the server log holds no content
    const kbDir = join(work.root, 'home', '.momo', 'user-kb');
    expect(readdirSync(kbDir).sort()).toEqual(['lock', 'vault.mkb']);
    const vault = readFileSync(join(kbDir, 'vault.mkb'));
    for (const needle of ['beacon', 'Beacon duty', 'rye flour', 'bread.md']) expect(vault.includes(Buffer.from(needle))).toBe(false);
    expect(serverErr).toContain('POST /api/notes 200');
    expect(serverErr).not.toMatch(/beacon|sourdough/i);
  }, 120_000);

  it('refuses API calls without the page token and requests for another Host', async () => {
    const noToken = await fetch(new URL('/api/status', url));
    expect(noToken.status).toBe(403);
    const page = await context.newPage();
    const res = await page.request.get(new URL('/api/status', url).toString(), { headers: { host: 'evil.example:80' } });
    expect(res.status()).toBe(421);
    await page.close();
  });
});
