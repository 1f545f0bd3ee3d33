#!/usr/bin/env node
// Data-core benchmark: momo vs real DVC, side by side on the same machine, alternating runs,
// medians and momo/DVC ratios. Not a test. Usage:
//   node bench/data-core.mjs [--files 70000] [--runs 3] [--big-mib 1024] [--out bench/results/data-core.json]
// Needs `npm run build` and the DVC oracle venv (.venv-dvc). Data is generated under $TMPDIR.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync, mkdtempSync, openSync, writeSync, closeSync, appendFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { tmpdir, cpus, totalmem } from 'node:os';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const NFILES = Number(arg('files', 70000));
const RUNS = Number(arg('runs', 3));
const BIG_MIB = Number(arg('big-mib', 1024));
const OUT = arg('out', join(ROOT, 'bench', 'results', 'data-core.json'));
const DVC = process.env.MOMO_DVC_ORACLE ?? join(ROOT, '.venv-dvc', 'bin', 'dvc');
const MOMO = [process.execPath, join(ROOT, 'apps', 'cli', 'bin', 'momo.js')];
const env = { ...process.env, DVC_NO_ANALYTICS: '1', DVC_IGNORE_UPDATER: '1', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
const tools = {
  dvc: (args, cwd) => run([DVC, ...args], cwd),
  momo: (args, cwd) => run([...MOMO, ...args], cwd),
};

function run(argv, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && !(argv.includes('status') && argv.includes('-q'))) {
    throw new Error(`${argv.join(' ')} in ${cwd} exited ${r.status}: ${r.stderr?.toString().slice(0, 2000)}`);
  }
  return s;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * dvc-bench "mnist" shape: images/{train,test}/{0..9}/NNNNN.png, ~275 bytes each, deterministic,
 * every file distinct like the real data set. The LCG multiplies in 32-bit integers (Math.imul):
 * in float arithmetic the product lost its low bits and the sequence cycled, giving only 66
 * distinct contents over 20,000 files.
 */
function genMnist(dir, n) {
  let seed = 42;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const train = Math.round(n * 6 / 7);
  const made = new Set();
  for (let i = 0; i < n; i++) {
    const split = i < train ? 'train' : 'test';
    const label = i % 10;
    const d = join(dir, 'images', split, String(label));
    if (!made.has(d)) {
      mkdirSync(d, { recursive: true });
      made.add(d);
    }
    const size = 200 + Math.floor(rnd() * 150);
    const buf = Buffer.allocUnsafe(size);
    for (let k = 0; k < size; k++) buf[k] = Math.floor(rnd() * 256);
    writeFileSync(join(d, `${String(i).padStart(5, '0')}.png`), buf);
  }
}

function genBig(file, mib) {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < mib; i++) {
    chunk.writeUInt32LE(i, 0);
    chunk.fill(i & 0xff, 4);
    writeSync(fd, chunk);
  }
  closeSync(fd);
}

function freshRepo(base, name) {
  const d = join(base, name);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: d, env });
  return d;
}

const work = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), 'momo-bench-'));
const template = join(work, 'template');
mkdirSync(template);
console.error(`generating ${NFILES} files and a ${BIG_MIB} MiB file in ${work}`);
genMnist(template, NFILES);
genBig(join(work, 'big.bin'), BIG_MIB);

const rows = {};
const add = (op, tool, s) => ((rows[op] ??= { dvc: [], momo: [] })[tool].push(s));
const dropCaches = () => {
  try {
    execFileSync('sync');
  } catch {
    // best effort
  }
};

for (let r = 0; r < RUNS; r++) {
  // alternate which tool goes first, so drift on a shared machine hits both
  const order = r % 2 ? ['momo', 'dvc'] : ['dvc', 'momo'];
  for (const tool of order) {
    const T = tools[tool];
    add('--version', tool, T(['--version'], work));
    const repo = freshRepo(work, `${tool}-${r}`);
    add('init', tool, T(['init', '-q'], repo));
    execFileSync('cp', ['-r', join(template, 'images'), join(repo, 'images')]);
    dropCaches();
    add('add (cold)', tool, T(['add', '-q', 'images'], repo));
    add('add (no-op)', tool, T(['add', '-q', 'images'], repo));
    add('status (no-op)', tool, T(['status', '-q'], repo));
    appendFileSync(join(repo, 'images', 'train', '3', '00003.png'), 'x');
    add('status (1 changed)', tool, T(['status', '-q'], repo));
    rmSync(join(repo, 'images'), { recursive: true, force: true });
    add('checkout (empty workspace)', tool, T(['checkout', '-q', '--force'], repo));
    add('checkout (no-op)', tool, T(['checkout', '-q'], repo));
    // one large file
    const big = freshRepo(work, `${tool}-big-${r}`);
    T(['init', '-q'], big);
    execFileSync('cp', [join(work, 'big.bin'), join(big, 'big.bin')]);
    add(`add ${BIG_MIB} MiB file`, tool, T(['add', '-q', 'big.bin'], big));
    rmSync(big, { recursive: true, force: true });
    rmSync(repo, { recursive: true, force: true });
    console.error(`run ${r + 1}/${RUNS} ${tool} done`);
  }
}

// single-core md5 throughput over the big file, for the 1 GiB goal
const t0 = process.hrtime.bigint();
const h = createHash('md5');
const fd = openSync(join(work, 'big.bin'), 'r');
const buf = Buffer.allocUnsafe(1 << 20);
for (;;) {
  const n = (await import('node:fs')).readSync(fd, buf, 0, buf.length, null);
  if (!n) break;
  h.update(buf.subarray(0, n));
}
closeSync(fd);
const md5s = Number(process.hrtime.bigint() - t0) / 1e9;
rmSync(work, { recursive: true, force: true });

const table = Object.entries(rows).map(([op, v]) => {
  const d = median(v.dvc);
  const m = median(v.momo);
  return { op, dvc: d, momo: m, ratio: m / d };
});
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${execFileSync(DVC, ['--version'], { env }).toString().trim().replace(/^/, 'DVC ')}`;
const lines = [
  `Machine: ${machine}; ${NFILES} files (mnist shape), ${RUNS} runs each, alternating; medians.`,
  '',
  '| operation | DVC (s) | momo (s) | momo/DVC |',
  '| --- | ---: | ---: | ---: |',
  ...table.map((t) => `| ${t.op} | ${t.dvc.toFixed(3)} | ${t.momo.toFixed(3)} | ${t.ratio.toFixed(3)} |`),
  '',
  `Single-core md5 of the ${BIG_MIB} MiB file in Node: ${md5s.toFixed(3)} s; momo add of it: ${median(rows[`add ${BIG_MIB} MiB file`].momo).toFixed(3)} s.`,
];
console.log(lines.join('\n'));
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ machine, files: NFILES, runs: RUNS, rows, table, md5SingleCoreSeconds: md5s }, null, 2) + '\n');
