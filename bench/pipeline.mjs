#!/usr/bin/env node
// Pipeline benchmark: momo vs real DVC 3.67.1 side by side, alternating runs, medians and
// momo/DVC ratios. Not a test. Usage:
//   node bench/pipeline.mjs [--stages 50] [--runs 3] [--out bench/results/pipeline.json]
// Needs `npx tsc -b tsconfig.build.json` and the DVC oracle venv (.venv-dvc).
//
// Scenarios (each in its own twin repos, generated under $TMPDIR):
// - a generated N-stage pipeline: a chain of N/2 stages plus N/2 leaves fanning out of the chain's
//   first stage, every stage copying small files;
//   `status` and `repro` when nothing changed, then both right after one leaf dependency changed;
// - 4 independent stages that each sleep 1 s: `repro -f` vs momo's `repro -f -j 2`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync, mkdtempSync, appendFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { tmpdir, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const NSTAGES = Number(arg('stages', 50));
const RUNS = Number(arg('runs', 3));
const OUT = arg('out', join(ROOT, 'bench', 'results', 'pipeline.json'));
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
  if (r.status !== 0) throw new Error(`${argv.join(' ')} in ${cwd} exited ${r.status}: ${r.stderr?.toString().slice(0, 2000)}`);
  return s;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A chain s0 → s1 → … plus leaves l0, l1, … each depending on s0 and its own input file. */
function pipelineYaml(n) {
  const chain = Math.ceil(n / 2);
  const leaves = n - chain;
  let y = 'stages:\n';
  for (let i = 0; i < chain; i++) {
    const dep = i === 0 ? 'data/input.txt' : `out/c${i - 1}.txt`;
    y += `  c${i}:\n    cmd: cat ${dep} > out/c${i}.txt && echo ${i} >> out/c${i}.txt\n    deps:\n    - ${dep}\n    outs:\n    - out/c${i}.txt\n`;
  }
  for (let i = 0; i < leaves; i++) {
    y += `  l${i}:\n    cmd: cat out/c0.txt data/leaf${i}.txt > out/l${i}.txt\n    deps:\n    - out/c0.txt\n    - data/leaf${i}.txt\n    outs:\n    - out/l${i}.txt\n`;
  }
  return { yaml: y, leaves };
}

function makeRepo(tool, files) {
  const dir = mkdtempSync(join(tmpdir(), `momo-bench-pipe-${tool}-`));
  spawnSync('git', ['init', '-q'], { cwd: dir });
  tools[tool](['init', '-q'], dir);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const results = [];
function record(scenario, measure) {
  // alternate: dvc, momo, dvc, momo, … so machine noise hits both
  const times = { dvc: [], momo: [] };
  for (let i = 0; i < RUNS; i++) for (const tool of ['dvc', 'momo']) times[tool].push(measure(tool, i));
  const row = { scenario, dvc: median(times.dvc), momo: median(times.momo), runs: times };
  row.ratio = row.momo / row.dvc;
  results.push(row);
  console.error(`${scenario.padEnd(44)} dvc ${row.dvc.toFixed(3)} s  momo ${row.momo.toFixed(3)} s  ratio ${row.ratio.toFixed(2)}`);
}

const { yaml, leaves } = pipelineYaml(NSTAGES);
const files = { 'dvc.yaml': yaml, 'data/input.txt': 'input\n', 'out/.keep': '' };
for (let i = 0; i < leaves; i++) files[`data/leaf${i}.txt`] = `leaf ${i}\n`;
const repos = { dvc: makeRepo('dvc', files), momo: makeRepo('momo', files) };
try {
  // first repro (not measured as a scenario: it fills caches), then the no-op cases
  for (const tool of ['dvc', 'momo']) tools[tool](['repro', '-q'], repos[tool]);
  record(`status, ${NSTAGES} stages, nothing changed`, (tool) => tools[tool](['status'], repos[tool]));
  record(`repro, ${NSTAGES} stages, nothing changed`, (tool) => tools[tool](['repro'], repos[tool]));
  let bump = 0;
  record(`status, one leaf dependency changed`, (tool) => {
    appendFileSync(join(repos[tool], 'data/leaf0.txt'), `change ${bump++}\n`);
    return tools[tool](['status'], repos[tool]);
  });
  record(`repro, one leaf dependency changed`, (tool) => {
    appendFileSync(join(repos[tool], 'data/leaf0.txt'), `change ${bump++}\n`);
    return tools[tool](['repro'], repos[tool]);
  });
} finally {
  for (const d of Object.values(repos)) rmSync(d, { recursive: true, force: true });
}

// -j 2: four independent 1 s stages; DVC has no -j, so it is the serial baseline
let par = 'stages:\n';
for (let i = 0; i < 4; i++) par += `  s${i}:\n    cmd: sleep 1 && echo ${i} > o${i}\n    outs:\n    - o${i}\n`;
const pr = { dvc: makeRepo('dvc', { 'dvc.yaml': par }), momo: makeRepo('momo', { 'dvc.yaml': par }) };
try {
  const times = { serialDvc: [], serialMomo: [], parallelMomo: [] };
  for (let i = 0; i < RUNS; i++) {
    times.serialDvc.push(tools.dvc(['repro', '-f', '-q'], pr.dvc));
    times.serialMomo.push(tools.momo(['repro', '-f', '-q'], pr.momo));
    times.parallelMomo.push(tools.momo(['repro', '-f', '-q', '-j', '2'], pr.momo));
  }
  const row = { scenario: 'repro -f, 4 independent 1 s stages', dvc: median(times.serialDvc), momo: median(times.serialMomo), momoJ2: median(times.parallelMomo), runs: times };
  row.ratio = row.momo / row.dvc;
  results.push(row);
  console.error(`${row.scenario.padEnd(44)} dvc ${row.dvc.toFixed(3)} s  momo ${row.momo.toFixed(3)} s  momo -j 2 ${row.momoJ2.toFixed(3)} s`);
} finally {
  for (const d of Object.values(pr)) rmSync(d, { recursive: true, force: true });
}

const table = [
  `| scenario (${RUNS} runs, medians, ${cpus().length} cores) | DVC 3.67.1 | momo | momo/DVC |`,
  '|---|---|---|---|',
  ...results.map((r) => `| ${r.scenario} | ${r.dvc.toFixed(3)} s | ${r.momo.toFixed(3)} s${r.momoJ2 !== undefined ? ` (-j 2: ${r.momoJ2.toFixed(3)} s)` : ''} | ${r.ratio.toFixed(2)} |`),
];
console.log(table.join('\n'));
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ stages: NSTAGES, runs: RUNS, results }, null, 2) + '\n');
