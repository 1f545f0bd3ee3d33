#!/usr/bin/env node
// The README's main job (for now): a short, real session with the `momo` CLI in a temp git repo —
// init, add a file and a directory, see status catch a change, restore it with checkout.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MOMO = join(ROOT, 'apps', 'cli', 'bin', 'momo.js');
const dir = mkdtempSync(join(tmpdir(), 'momo-demo-'));
const env = { ...process.env, GIT_AUTHOR_NAME: 'demo', GIT_AUTHOR_EMAIL: 'demo@momo.local', GIT_COMMITTER_NAME: 'demo', GIT_COMMITTER_EMAIL: 'demo@momo.local' };

function momo(...args) {
  console.log(`\n$ momo ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [MOMO, ...args], { cwd: dir, env, encoding: 'utf8' });
  process.stdout.write(r.stdout);
  process.stdout.write(r.stderr);
  return r.status;
}
function must(code, what) {
  if (code !== 0) {
    console.error(`demo failed: ${what} exited ${code}`);
    process.exit(1);
  }
}

execFileSync('git', ['init', '-q'], { cwd: dir, env });
must(momo('init'), 'init');
mkdirSync(join(dir, 'data', 'raw'), { recursive: true });
for (let i = 0; i < 100; i++) writeFileSync(join(dir, 'data', 'raw', `doc-${i}.txt`), `document ${i}\n`);
writeFileSync(join(dir, 'model.bin'), Buffer.alloc(1 << 20, 7));
must(momo('add', 'data', 'model.bin'), 'add');
console.log(`\ndata.dvc:\n${readFileSync(join(dir, 'data.dvc'), 'utf8')}`);
must(momo('status'), 'status');
appendFileSync(join(dir, 'data', 'raw', 'doc-7.txt'), 'edited\n');
rmSync(join(dir, 'model.bin'));
momo('status');
console.log(`\n$ momo status -q   # the pre-commit check: exits 1 when anything changed`);
const q = spawnSync(process.execPath, [MOMO, 'status', '-q'], { cwd: dir, env });
console.log(`exit code ${q.status}`);
must(momo('checkout', '--force'), 'checkout');
must(momo('status'), 'status');
console.log(`\nDemo repository left in ${dir}`);
