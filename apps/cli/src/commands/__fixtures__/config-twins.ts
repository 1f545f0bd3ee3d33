import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MOMO_BIN, oracleDvcPath, runDvc, testEnv, tmpRepo, type RunResult, type TmpRepo } from '@momo/testing';

/**
 * One side of a config scenario: a base dir holding `repo/` (git + `dvc init`), `global/`,
 * `system/` (the config dirs, through DVC_GLOBAL_CONFIG_DIR / DVC_SYSTEM_CONFIG_DIR), `home/`
 * (HOME, so `~` is deterministic and the real home is never touched) and `outside/` (a plain
 * directory that is not a repository).
 */
export interface Side {
  tool: 'dvc' | 'momo';
  base: string;
  repo: string;
  env: Record<string, string>;
}

/** Files a config scenario may change, relative to the side's base. */
export const CONFIG_FILES = ['repo/.dvc/config', 'repo/.dvc/config.local', 'global/config', 'system/config'] as const;

/** Exact bytes of every config file (undefined when missing). */
export function configFilesOf(side: Side): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const f of CONFIG_FILES) {
    const p = join(side.base, f);
    out[f] = existsSync(p) ? readFileSync(p, 'latin1') : undefined;
  }
  return out;
}

/** Result of one command on both sides, with the side's base path replaced by `<base>`. */
export interface StepResult {
  dvc: RunResult;
  momo: RunResult;
}

/** A git + `dvc init` repository made once per test file and copied for each scenario. */
let template: TmpRepo | undefined;

/** Removes the template repository and stops the DVC server (call from afterAll). */
export function cleanupTemplate(): void {
  template?.cleanup();
  template = undefined;
  dvcServer.stop();
}
function templateRepo(): string {
  if (!template) {
    template = tmpRepo({ git: true, prefix: 'momo-cfg-template-' });
    const r = runDvc(template.root, ['init', '-q']);
    if (r.code !== 0) throw new Error(`dvc init failed: ${r.stderr}`);
  }
  return template.root;
}

function makeSide(tool: 'dvc' | 'momo', holder: TmpRepo): Side {
  // equal-length directory names: `remote list` expands TABs, so absolute paths must line up
  const base = join(holder.root, tool === 'dvc' ? 'real' : 'momo');
  mkdirSync(base);
  cpSync(templateRepo(), join(base, 'repo'), { recursive: true });
  for (const d of ['global', 'system', 'home', 'outside']) mkdirSync(join(base, d));
  return {
    tool,
    base,
    repo: join(base, 'repo'),
    env: {
      DVC_GLOBAL_CONFIG_DIR: join(base, 'global'),
      DVC_SYSTEM_CONFIG_DIR: join(base, 'system'),
      HOME: join(base, 'home'),
      XDG_CONFIG_HOME: '',
      COLUMNS: '80',
    },
  };
}

/** The same config scenario under real DVC and under momo. */
export interface ConfigTwins {
  dvc: Side;
  momo: Side;
  /** writes the same text to a file (relative to each base) on both sides */
  write(rel: string, text: string | Buffer): void;
  /** runs `args` on both sides at once in `<base>/<cwd>` (default `repo`) and normalises the output */
  run(args: string[], cwd?: string): Promise<StepResult>;
  cleanup(): void;
}

/**
 * A long-lived Python running real DVC commands in-process (dvc_server.py): DVC's import time is
 * paid once per test file instead of once per step.
 */
class DvcServer {
  private child?: ChildProcessWithoutNullStreams;
  private waiting: Array<(r: RunResult) => void> = [];

  private start(): ChildProcessWithoutNullStreams {
    const python = join(dirname(oracleDvcPath()), 'python');
    const script = join(dirname(fileURLToPath(import.meta.url)), 'dvc_server.py');
    const child = spawn(python, [script], { env: testEnv() });
    createInterface({ input: child.stdout }).on('line', (line) => this.waiting.shift()?.(JSON.parse(line) as RunResult));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w({ code: -1, stdout: '', stderr: `dvc server exited with ${code}: ${stderr}` });
      this.child = undefined;
    });
    return child;
  }

  run(args: string[], cwd: string, env: Record<string, string>): Promise<RunResult> {
    this.child ??= this.start();
    const child = this.child;
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      child.stdin.write(`${JSON.stringify({ args, cwd, env: testEnv(env) })}\n`);
    });
  }

  stop(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }
}

const dvcServer = new DvcServer();

/** Runs a program without blocking, so the DVC and momo sides of a step run concurrently. */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: testEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const normalise = (r: RunResult, base: string): RunResult => ({
  code: r.code,
  stdout: r.stdout.split(base).join('<base>'),
  stderr: r.stderr.split(base).join('<base>'),
});

/**
 * Runs the momo CLI's `main` in this process (the same code path as bin/momo.js, without a
 * node start-up per step and without needing a fresh build).
 */
async function runInProcess(args: string[], cwd: string, env: Record<string, string>): Promise<RunResult> {
  const { main } = await import('../../main.js');
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    isTTY: false,
    cwd,
    env: testEnv(env),
  });
  return { code, stdout, stderr };
}

/**
 * The same config scenario under real DVC and momo. momo runs in-process by default; pass
 * `{ bin: true }` (or set MOMO_TWINS_BIN=1) to spawn the built `bin/momo.js` for every step.
 */
export function configTwins(opts: { bin?: boolean } = {}): ConfigTwins {
  const useBin = opts.bin ?? process.env.MOMO_TWINS_BIN === '1';
  const holder = tmpRepo({ prefix: 'momo-cfg-twins-' });
  const dvc = makeSide('dvc', holder);
  const momo = makeSide('momo', holder);
  return {
    dvc,
    momo,
    write(rel, text) {
      for (const side of [dvc, momo]) {
        const p = join(side.base, rel);
        mkdirSync(join(p, '..'), { recursive: true });
        writeFileSync(p, text);
      }
    },
    async run(args, cwd = 'repo') {
      const [d, m] = await Promise.all([
        dvcServer.run(args, join(dvc.base, cwd), dvc.env),
        useBin ? run(process.execPath, [MOMO_BIN, ...args], join(momo.base, cwd), momo.env) : runInProcess(args, join(momo.base, cwd), momo.env),
      ]);
      return { dvc: normalise(d, dvc.base), momo: normalise(m, momo.base) };
    },
    cleanup: () => holder.cleanup(),
  };
}

/** The first `ERROR:` line of stderr, without momo's ` (in '<file>'…)` location suffix. */
export function errorLine(stderr: string): string | undefined {
  const line = stderr.split('\n').find((l) => l.startsWith('ERROR: '));
  return line?.replace(/ \(in '[^']*'[^)]*\)$/, '');
}

/** Lists the files of a side's config dirs (to check that nothing else was created). */
export function listConfigDirs(side: Side): string[] {
  const out: string[] = [];
  for (const d of ['global', 'system', 'home']) {
    const walk = (dir: string, rel: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const r = `${rel}/${e.name}`;
        if (e.isDirectory()) walk(join(dir, e.name), r);
        else out.push(r);
      }
    };
    walk(join(side.base, d), d);
  }
  return out.sort();
}

/** Options of {@link expectSameStep}. */
export interface SameOptions {
  /** compare the first ERROR line too (default true; off for argparse/commander usage errors) */
  stderr?: boolean;
  /** compare stdout (default true; off where DVC's argparse prints its help text) */
  stdout?: boolean;
}

/**
 * Runs one step on both sides and checks that exit code, stdout, the first error line and the
 * bytes of every config file agree. Returns the results for extra assertions.
 */
export async function sameStep(t: ConfigTwins, args: string[], cwd?: string, opts: SameOptions = {}): Promise<StepResult> {
  const r = await t.run(args, cwd);
  const label = `${args.join(' ')}\n--- dvc stderr:\n${r.dvc.stderr}\n--- momo stderr:\n${r.momo.stderr}`;
  expect(r.momo.code, `exit code of: ${label}`).toBe(r.dvc.code);
  if (opts.stdout !== false) expect(r.momo.stdout, `stdout of: ${label}`).toBe(r.dvc.stdout);
  if (opts.stderr !== false) {
    const want = errorLine(r.dvc.stderr);
    const got = errorLine(r.momo.stderr);
    // DVC appends the configobj cause again (": <same text>"): compare momo's line as a prefix
    expect(want === got || (want !== undefined && got !== undefined && want.startsWith(got)), `error line of: ${label}`).toBe(true);
  }
  expect(configFilesOf(t.momo), `config files after: ${args.join(' ')}`).toEqual(configFilesOf(t.dvc));
  return r;
}
