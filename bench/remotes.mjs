#!/usr/bin/env node
// Remotes benchmark (issue 4): `push`, `push` no-op and `pull` into an empty cache, momo vs real
// DVC 3.67.1 side by side on the same machine, to a local remote, over SSH (OpenSSH sshd on
// 127.0.0.1) and to S3 (versitygw on 127.0.0.1). Runs alternate between the two tools command by
// command; medians and momo/DVC ratios; the load average is recorded next to every measurement.
// Not a test. Usage:
//   node bench/remotes.mjs [--files 70000] [--big 10] [--big-mib 100] [--remotes local,ssh,s3]
//                          [--runs 3] [--out bench/results/remotes.json]
// (each knob also reads BENCH_FILES, BENCH_BIG, BENCH_BIG_MIB, BENCH_REMOTES, BENCH_RUNS).
// Needs `npx tsc -b tsconfig.build.json` (the momo CLI and @momo/testing's server starters), the DVC
// oracle venv (.venv-dvc with dvc-ssh and dvc-s3), openssh-server and versitygw
// (libs/momo-remotes/scripts/install-test-servers.sh). Data is generated under $BENCH_TMP or
// $TMPDIR, deterministically, and removed at the end.
//
// Datasets, each tracked as one directory output in twin repos (one per tool, made by that
// tool's own `init` + `add`):
// - images/: dvc-bench "mnist" shape, images/{train,test}/{0..9}/NNNNN.png, 700–900 bytes each;
// - big/: N files of M MiB of incompressible bytes.
// Commands (each with its own fresh state, prepared outside the timed region):
// - push: the tool's remote location is emptied first;
// - push (no-op): the same push again;
// - pull (empty cache): cache, workspace copy of the dataset and .dvc/tmp (plus DVC's site cache)
//   removed first, as in a fresh clone.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync, renameSync, mkdtempSync, openSync, writeSync, closeSync, existsSync, readdirSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { tmpdir, cpus, totalmem, loadavg } from 'node:os';
import { createCipheriv } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, envName, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : (process.env[envName] ?? def);
};
const NFILES = Number(arg('files', 'BENCH_FILES', 70000));
const NBIG = Number(arg('big', 'BENCH_BIG', 10));
const BIG_MIB = Number(arg('big-mib', 'BENCH_BIG_MIB', 100));
const REMOTES = String(arg('remotes', 'BENCH_REMOTES', 'local,ssh,s3')).split(',').filter(Boolean);
const RUNS = Number(arg('runs', 'BENCH_RUNS', 3));
const DATASETS = String(arg('datasets', 'BENCH_DATASETS', 'images,big')).split(',').filter(Boolean);
const OUT = arg('out', 'BENCH_OUT', join(ROOT, 'bench', 'results', 'remotes.json'));
const DVC = process.env.MOMO_DVC_ORACLE ?? join(ROOT, '.venv-dvc', 'bin', 'dvc');
const MOMO = [process.execPath, join(ROOT, 'apps', 'cli', 'bin', 'momo.js')];
const baseEnv = { ...process.env, DVC_NO_ANALYTICS: '1', DVC_IGNORE_UPDATER: '1', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };

/** Runs a command (async, so the event loop stays free), returns wall seconds; throws on failure. */
function run(argv, cwd, env = baseEnv) {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => {
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) reject(new Error(`${argv.join(' ')} in ${cwd} exited ${code}: ${err}`));
      else resolvePromise(s);
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * dvc-bench "mnist" shape: images/{train,test}/{0..9}/NNNNN.png, 700–900 bytes, deterministic and
 * all distinct: the bytes are an AES-CTR keystream with a fixed key, cut into consecutive slices
 * (a floating-point LCG in JS collapses into a short cycle and would make most files duplicates).
 */
function genMnist(dir, n) {
  const stream = createCipheriv('aes-256-ctr', Buffer.alloc(32, 7), Buffer.alloc(16));
  const bytes = stream.update(Buffer.alloc(n * 902));
  const train = Math.round((n * 6) / 7);
  const made = new Set();
  let off = 0;
  for (let i = 0; i < n; i++) {
    const d = join(dir, 'images', i < train ? 'train' : 'test', String(i % 10));
    if (!made.has(d)) {
      mkdirSync(d, { recursive: true });
      made.add(d);
    }
    const size = 700 + (bytes.readUInt16LE(off) % 200);
    writeFileSync(join(d, `${String(i).padStart(5, '0')}.png`), bytes.subarray(off + 2, off + 2 + size));
    off += 2 + size;
  }
}

/** `count` files of `mib` MiB of AES-CTR keystream (incompressible, deterministic). */
function genBig(dir, count, mib) {
  mkdirSync(join(dir, 'big'), { recursive: true });
  const zeros = Buffer.alloc(1 << 20);
  for (let f = 0; f < count; f++) {
    const key = Buffer.alloc(32, f + 1);
    const c = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
    const fd = openSync(join(dir, 'big', `part-${String(f).padStart(2, '0')}.bin`), 'w');
    for (let i = 0; i < mib; i++) writeSync(fd, c.update(zeros));
    closeSync(fd);
  }
}

async function importServer(name) {
  const file = join(ROOT, 'libs', 'testing', 'dist', 'servers', `${name}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npx tsc -b tsconfig.build.json\` first`);
  return import(pathToFileURL(file).href);
}

/** Remote kinds: start the server, give each tool its own empty location and config lines. */
async function openKind(kind, work) {
  if (kind === 'local') {
    return {
      config: (tool, ds) => ({ url: join(work, `remote-local-${tool}-${ds}`) }),
      clear: (tool, ds) => rmSync(join(work, `remote-local-${tool}-${ds}`), { recursive: true, force: true }),
      stop: async () => undefined,
    };
  }
  if (kind === 'ssh') {
    const { startSshd } = await importServer('sshd');
    // OpenSSH's default MaxSessions (10), what a user's server allows; DVC's sshfs also opens 10
    const s = await startSshd({ maxSessions: 10 });
    return {
      config: (tool, ds) => ({ url: s.url(`bench-${tool}-${ds}`), keyfile: s.keyfile }),
      clear: (tool, ds) => rmSync(join(s.root, `bench-${tool}-${ds}`), { recursive: true, force: true }),
      stop: () => s.stop(),
    };
  }
  if (kind === 's3') {
    const { startS3Server } = await importServer('s3');
    const s = await startS3Server({ bucket: 'bench' });
    return {
      config: (tool, ds) => ({
        url: `s3://${s.bucket}/${tool}-${ds}`,
        endpointurl: s.endpoint,
        region: s.region,
        access_key_id: s.accessKeyId,
        secret_access_key: s.secretAccessKey,
      }),
      clear: (tool, ds) => rmSync(join(s.dataDir, s.bucket, `${tool}-${ds}`), { recursive: true, force: true }),
      stop: () => s.stop(),
    };
  }
  throw new Error(`unknown remote kind '${kind}' (local, ssh, s3)`);
}

function writeRemoteConfig(repo, name, cfg) {
  // DVC's config format (configobj); the same file is read by both tools
  const lines = ['[core]', `    remote = ${name}`, `['remote "${name}"']`, ...Object.entries(cfg).map(([k, v]) => `    ${k} = ${v}`), ''];
  writeFileSync(join(repo, '.dvc', 'config'), lines.join('\n'));
}

const tools = ['dvc', 'momo'];
const cmd = (tool) => (tool === 'dvc' ? [DVC] : MOMO);
const envFor = (tool, repo) => (tool === 'dvc' ? { ...baseEnv, DVC_SITE_CACHE_DIR: join(repo, '.dvc', 'tmp', 'site-cache') } : baseEnv);

const work = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), 'momo-bench-remotes-'));
const cleanup = () => rmSync(work, { recursive: true, force: true });
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

const rows = [];
const la = () => loadavg()[0];
try {
  const data = join(work, 'data');
  console.error(`generating ${NFILES} small files and ${NBIG} × ${BIG_MIB} MiB in ${data}`);
  if (DATASETS.includes('images')) genMnist(data, NFILES);
  if (DATASETS.includes('big')) genBig(data, NBIG, BIG_MIB);

  // twin repos, each made by its own tool
  const repos = {};
  for (const tool of tools) {
    const repo = join(work, `repo-${tool}`);
    mkdirSync(repo);
    execFileSync('git', ['init', '-q'], { cwd: repo, env: baseEnv });
    await run([...cmd(tool), 'init', '-q'], repo, envFor(tool, repo));
    for (const ds of DATASETS) {
      execFileSync('cp', ['-r', join(data, ds), join(repo, ds)]);
      await run([...cmd(tool), 'add', '-q', ds], repo, envFor(tool, repo));
    }
    repos[tool] = repo;
    const objects = readdirSync(join(repo, '.dvc', 'cache', 'files', 'md5'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    const expected = (DATASETS.includes('images') ? NFILES + 1 : 0) + (DATASETS.includes('big') ? NBIG + 1 : 0);
    if (objects !== expected) throw new Error(`${tool} cache holds ${objects} objects, expected ${expected} (duplicate files in the generated data?)`);
  }
  rmSync(data, { recursive: true, force: true });

  for (const kind of REMOTES) {
    const remote = await openKind(kind, work);
    try {
      for (const ds of DATASETS) {
        // one remote location per tool and dataset, so emptying one leaves the others alone
        for (const tool of tools) writeRemoteConfig(repos[tool], 'bench', remote.config(tool, ds));
        const steps = [
          { op: 'push', prepare: (tool) => remote.clear(tool, ds), args: ['push', '-q', `${ds}.dvc`] },
          { op: 'push (no-op)', prepare: () => undefined, args: ['push', '-q', `${ds}.dvc`] },
          {
            op: 'pull (empty cache)',
            prepare: (tool) => {
              // the full cache is set aside (renamed) and put back after the pull, so the other
              // dataset's objects survive for its own pushes
              const repo = repos[tool];
              renameSync(join(repo, '.dvc', 'cache'), join(work, `cache-aside-${tool}`));
              for (const p of [join('.dvc', 'tmp'), ds]) rmSync(join(repo, p), { recursive: true, force: true });
            },
            after: (tool) => {
              const repo = repos[tool];
              rmSync(join(repo, '.dvc', 'cache'), { recursive: true, force: true });
              renameSync(join(work, `cache-aside-${tool}`), join(repo, '.dvc', 'cache'));
            },
            args: ['pull', '-q', `${ds}.dvc`],
          },
        ];
        for (let r = 0; r < RUNS; r++) {
          // alternate which tool goes first, so drift on a shared machine hits both
          const order = r % 2 ? ['momo', 'dvc'] : ['dvc', 'momo'];
          for (const step of steps) {
            for (const tool of order) {
              step.prepare(tool);
              execFileSync('sync');
              const load = la();
              const s = await run([...cmd(tool), ...step.args], repos[tool], envFor(tool, repos[tool]));
              step.after?.(tool);
              rows.push({ remote: kind, dataset: ds, op: step.op, tool, run: r, seconds: s, load });
              console.error(`${kind} ${ds} ${step.op} ${tool} run ${r + 1}/${RUNS}: ${s.toFixed(2)} s (load ${load.toFixed(2)})`);
            }
          }
        }
        // the pulled workspace must equal what was pushed: both tools restored the same files
        const count = (d) => readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
        const [a, b] = tools.map((t) => count(join(repos[t], ds)));
        if (a !== b) throw new Error(`${kind} ${ds}: DVC restored ${a} files, momo ${b}`);
      }
    } finally {
      await remote.stop();
    }
  }
} finally {
  cleanup();
}

const groups = new Map();
for (const row of rows) {
  const k = `${row.remote}\t${row.dataset}\t${row.op}`;
  if (!groups.has(k)) groups.set(k, { remote: row.remote, dataset: row.dataset, op: row.op, dvc: [], momo: [], load: [] });
  const g = groups.get(k);
  g[row.tool].push(row.seconds);
  g.load.push(row.load);
}
const table = [...groups.values()].map((g) => ({ ...g, dvcMedian: median(g.dvc), momoMedian: median(g.momo), ratio: median(g.momo) / median(g.dvc), loadMin: Math.min(...g.load), loadMax: Math.max(...g.load) }));
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${execFileSync(DVC, ['--version'], { env: baseEnv }).toString().trim().replace(/^/, 'DVC ')}`;
const dsName = (ds) => (ds === 'images' ? `${NFILES} small files` : `${NBIG} × ${BIG_MIB} MiB`);
console.log(
  [
    `Machine: ${machine}; ${RUNS} runs each, alternating; medians; load = 1-min load average during the runs.`,
    '',
    '| remote | data | operation | DVC (s) | momo (s) | momo/DVC | load |',
    '| --- | --- | --- | ---: | ---: | ---: | --- |',
    ...table.map((t) => `| ${t.remote} | ${dsName(t.dataset)} | ${t.op} | ${t.dvcMedian.toFixed(2)} | ${t.momoMedian.toFixed(2)} | ${t.ratio.toFixed(2)} | ${t.loadMin.toFixed(1)}–${t.loadMax.toFixed(1)} |`),
  ].join('\n'),
);
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ machine, files: NFILES, big: NBIG, bigMib: BIG_MIB, runs: RUNS, remotes: REMOTES, rows, table }, null, 2) + '\n');
