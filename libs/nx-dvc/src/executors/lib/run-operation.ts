/**
 * Runs one DVC operation for one Nx project, with momo in-process or with the Python `dvc`
 * executable. Output streams as it happens (stage commands inherit the task's stdout/stderr);
 * a failure makes the result `success: false`, which fails the Nx task.
 */
import { spawn } from 'node:child_process';
import { delimiter, join, relative, sep } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { isMomoError } from '@momo/errors';
import { nxDvcError, EXIT } from '../../errors/nx-dvc-error.js';
import type { CheckoutExecutorOptions, CommonExecutorOptions, DvcOperation, ReproExecutorOptions, StatusExecutorOptions, TransferExecutorOptions } from './options.js';
import { projectDvcFiles } from './project-dvc-files.js';

/** Where executor output goes (the task's stdout/stderr by default). */
export interface ExecutorIo {
  out(text: string): void;
  err(text: string): void;
}

/** The task's own streams. */
export const processIo: ExecutorIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

/** Everything {@link runOperation} needs to know about the task. */
export interface RunOperationInput<O extends CommonExecutorOptions> {
  operation: DvcOperation;
  options: O;
  /** absolute workspace root */
  workspaceRoot: string;
  /** workspace-relative root of the project ('.' for the root project) */
  projectRoot: string;
  /** workspace-relative roots of every other project (nested ones are left to their own tasks) */
  otherProjectRoots: readonly string[];
  /** `nx … --verbose` */
  isVerbose?: boolean;
  io?: ExecutorIo;
  env?: NodeJS.ProcessEnv;
}

/** What an executor returns to Nx. */
export interface ExecutorResult {
  success: boolean;
}

/**
 * The environment stage commands run with: the workspace's `node_modules/.bin` first on PATH, as
 * Nx's `run-commands` does, so a stage can call `momo`, `nx` or `tsx` without `npx`.
 */
export function taskEnv(workspaceRoot: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const bin = join(workspaceRoot, 'node_modules', '.bin');
  const path = base.PATH ?? '';
  return { ...base, PATH: path.split(delimiter).includes(bin) ? path : [bin, path].filter(Boolean).join(delimiter) };
}

/** Adapts Nx's executor context to {@link RunOperationInput}. */
export function fromContext<O extends CommonExecutorOptions>(operation: DvcOperation, options: O, context: ExecutorContext): RunOperationInput<O> {
  const projects = context.projectsConfigurations?.projects ?? {};
  const name = context.projectName;
  const project = name ? projects[name] : undefined;
  if (!name || !project) {
    throw nxDvcError('NX_DVC_PROJECT_NOT_FOUND', `@momo/nx-dvc:${operation} ran without a project (got ${JSON.stringify(name)})`, {
      hint: 'run it as a project target, e.g. `nx run my-lib:dvc-repro`',
      exitCode: EXIT.USAGE,
    });
  }
  return {
    operation,
    options,
    workspaceRoot: context.root,
    projectRoot: project.root || '.',
    otherProjectRoots: Object.entries(projects)
      .filter(([n]) => n !== name)
      .map(([, p]) => p.root || '.'),
    isVerbose: context.isVerbose,
  };
}

function renderError(io: ExecutorIo, e: unknown, verbose: boolean): void {
  if (isMomoError(e)) {
    io.err(`ERROR: ${e.message}\n`);
    if (e.hint) io.err(`hint: ${e.hint}\n`);
    if (verbose) {
      io.err(`code: ${e.code}${e.operation ? ` (during ${e.operation})` : ''}\n`);
      if (e.stack) io.err(`${e.stack}\n`);
      if (e.cause) io.err(`caused by: ${e.cause instanceof Error ? (e.cause.stack ?? e.cause.message) : String(e.cause)}\n`);
    }
    return;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.err(`ERROR: unexpected error - ${err.message}\n`);
  if (verbose && err.stack) io.err(`${err.stack}\n`);
}

/** Runs the operation; never throws (errors are printed and turn into `success: false`). */
export async function runOperation<O extends CommonExecutorOptions>(input: RunOperationInput<O>): Promise<ExecutorResult> {
  const io = input.io ?? processIo;
  const verbose = input.options.verbose ?? input.isVerbose ?? false;
  try {
    return await dispatch(input, io, verbose);
  } catch (e) {
    renderError(io, e, verbose);
    return { success: false };
  }
}

async function dispatch<O extends CommonExecutorOptions>(input: RunOperationInput<O>, io: ExecutorIo, verbose: boolean): Promise<ExecutorResult> {
  const engine = input.options.engine ?? 'momo';
  if (engine !== 'momo' && engine !== 'dvc') {
    throw nxDvcError('NX_DVC_OPTIONS_INVALID', `option 'engine' must be 'momo' or 'dvc', got ${JSON.stringify(engine)}`, {
      hint: "use --engine=momo (in-process) or --engine=dvc (the Python executable)",
      exitCode: EXIT.USAGE,
    });
  }
  const cwd = input.projectRoot === '.' ? input.workspaceRoot : join(input.workspaceRoot, input.projectRoot);
  const env = taskEnv(input.workspaceRoot, input.env ?? process.env);
  const log = (line: string) => {
    if (verbose) io.err(`[nx-dvc] ${line}\n`);
  };
  log(`${input.operation} in '${input.projectRoot}' with ${engine === 'momo' ? 'momo (in-process)' : `Python dvc (${input.options.dvcPath ?? 'dvc'})`}`);

  let targets: string[] = [];
  if (input.operation === 'repro') {
    const stages = (input.options as ReproExecutorOptions).stages ?? [];
    targets = stages.map((s) => `dvc.yaml:${s}`);
  } else {
    const files = projectDvcFiles({
      projectDir: cwd,
      otherProjectDirs: input.otherProjectRoots.map((r) => (r === '.' ? input.workspaceRoot : join(input.workspaceRoot, r))),
      env,
    });
    targets = files.targets;
    log(`DVC files of this project: ${targets.join(', ') || '(none)'}`);
    if (!targets.length) {
      io.out(`No DVC files in '${input.projectRoot}': nothing to ${input.operation}.\n`);
      return { success: true };
    }
  }
  if (engine === 'dvc') return runPythonDvc(input, cwd, env, targets, io, verbose);
  return runMomo(input, cwd, env, targets, io, log);
}

/** `git add` advice as DVC prints it after commands that changed tracked files. */
function gitAdvice(cwd: string, files: readonly string[]): string {
  if (!files.length) return '';
  const rel = files.map((f) => relative(cwd, f).split(sep).join('/')).sort();
  return `\nTo track the changes with git, run:\n\n\tgit add ${rel.join(' ')}\n\nTo enable auto staging, run:\n\n\tdvc config core.autostage true\n`;
}

async function runMomo<O extends CommonExecutorOptions>(
  input: RunOperationInput<O>,
  cwd: string,
  env: NodeJS.ProcessEnv,
  targets: string[],
  io: ExecutorIo,
  log: (line: string) => void,
): Promise<ExecutorResult> {
  // each operation is imported from its own module of the engine (as the CLI does), lazily
  switch (input.operation) {
    case 'repro': {
      const o = input.options as ReproExecutorOptions;
      const { repro } = await import('@momo/dvc/api/repro');
      const r = await repro({
        cwd,
        env,
        waitForLock: true,
        targets: targets.length ? targets : undefined,
        force: o.force,
        dry: o.dry,
        downstream: o.downstream,
        keepGoing: o.keepGoing,
        noRunCache: o.noRunCache,
        jobs: o.jobs,
        output: 'inherit',
        onEvent: (ev) => {
          if (ev.type === 'log') {
            if (ev.level === 'warning') io.err(`WARNING: ${ev.message}\n`);
            else io.out(`${ev.message}\n`);
          } else if (ev.type === 'stage-failed') io.err(`ERROR: stage '${ev.stage}' failed: ${ev.message}\n`);
          else if (ev.type === 'stage-skipped') log(`stage '${ev.stage}' skipped (${ev.reason})`);
          else if (ev.type === 'stage-finished') log(`stage '${ev.stage}' ${ev.result}`);
          else if (ev.type === 'stage-restored') log(`stage '${ev.stage}' restored from the run-cache`);
        },
      });
      if (!r.stages.length && !o.dry) io.out('Data and pipelines are up to date.\n');
      if (!r.autostaged) io.out(gitAdvice(cwd, r.gitFiles));
      return { success: true };
    }
    case 'status': {
      const o = input.options as StatusExecutorOptions;
      const { status } = await import('@momo/dvc/api/status');
      const r = await status({ cwd, env, targets });
      const changed = Object.keys(r.stages).length > 0;
      if (o.json) io.out(`${(await import('@momo/dvc')).pyJsonDumps(r.stages, { sortKeys: false })}\n`);
      else if (changed) io.out(renderStatus(r.stages));
      else io.out('Data and pipelines are up to date.\n');
      return { success: !(changed && o.failOnChanges) };
    }
    case 'checkout': {
      const o = input.options as CheckoutExecutorOptions;
      const { checkout } = await import('@momo/dvc/api/checkout');
      const r = await checkout({ cwd, env, waitForLock: true, targets, force: o.force, relink: o.relink });
      for (const [letter, list] of [['A', r.added], ['M', r.modified], ['D', r.deleted]] as const) for (const p of list) io.out(`${letter}\t${p}\n`);
      for (const w of r.warnings) io.err(`WARNING: ${w}\n`);
      return { success: r.failed.length === 0 };
    }
    case 'push': {
      const o = input.options as TransferExecutorOptions;
      const { push } = await import('@momo/dvc/api/push');
      const r = await push({ cwd, env, waitForLock: true, targets, remote: o.remote, jobs: o.jobs });
      io.out(r.transferred ? `${plural(r.transferred, 'file')} pushed\n` : 'Everything is up to date.\n');
      return { success: true };
    }
    case 'pull': {
      const o = input.options as TransferExecutorOptions;
      const { pull } = await import('@momo/dvc/api/pull');
      const r = await pull({ cwd, env, waitForLock: true, targets, remote: o.remote, jobs: o.jobs, force: o.force });
      const c = r.checkout;
      for (const [letter, list] of [['A', c.added], ['M', c.modified], ['D', c.deleted]] as const) for (const p of list) io.out(`${letter}\t${p}\n`);
      for (const w of c.warnings) io.err(`WARNING: ${w}\n`);
      const parts = [r.fetch.transferred ? `${plural(r.fetch.transferred, 'file')} fetched` : '', c.stats.added ? `${plural(c.stats.added, 'file')} added` : '', c.stats.modified ? `${plural(c.stats.modified, 'file')} modified` : ''].filter(Boolean);
      io.out(parts.length ? `${parts.join(' and ')}\n` : 'Everything is up to date.\n');
      return { success: c.failed.length === 0 };
    }
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** DVC's text status (dvc/commands/status.py `_show`): TAB per level, `status:` padded to 20. */
export function renderStatus(stages: Record<string, unknown[]>): string {
  let out = '';
  const nested = (obj: Record<string, unknown>, indent: string) => {
    for (const [path, v] of Object.entries(obj)) {
      if (typeof v === 'string') out += `${indent}${`${v}:`.padEnd(20)}${path}\n`;
      else {
        out += `${indent}${path}:\n`;
        nested(v as Record<string, unknown>, `${indent}\t`);
      }
    }
  };
  for (const [stage, list] of Object.entries(stages)) {
    out += `${stage}:\n`;
    for (const item of list) {
      if (typeof item === 'string') out += `\t${item}\n`;
      else {
        for (const [k, v] of Object.entries(item as Record<string, Record<string, unknown>>)) {
          out += `\t${k}:\n`;
          nested(v, '\t\t');
        }
      }
    }
  }
  return out;
}

/** The argv of the Python `dvc` for an operation (global flags first, as DVC's parser wants). */
export function pythonDvcArgs(operation: DvcOperation, options: CommonExecutorOptions, targets: readonly string[], verbose: boolean): string[] {
  const args = ['--wait-for-lock'];
  if (verbose) args.push('-v');
  args.push(operation);
  switch (operation) {
    case 'repro': {
      const o = options as ReproExecutorOptions;
      if (o.force) args.push('-f');
      if (o.dry) args.push('--dry');
      if (o.downstream) args.push('--downstream');
      if (o.keepGoing) args.push('-k');
      if (o.noRunCache) args.push('--no-run-cache');
      break;
    }
    case 'pull':
    case 'push': {
      const o = options as TransferExecutorOptions;
      if (o.remote) args.push('-r', o.remote);
      if (o.jobs) args.push('-j', String(o.jobs));
      if (operation === 'pull' && o.force) args.push('-f');
      break;
    }
    case 'checkout': {
      const o = options as CheckoutExecutorOptions;
      if (o.force) args.push('-f');
      if (o.relink) args.push('--relink');
      break;
    }
    case 'status': {
      if ((options as StatusExecutorOptions).json) args.push('--json');
      break;
    }
  }
  args.push(...targets);
  return args;
}

function spawnDvc(dvcPath: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, stdio: 'inherit' | 'ignore'): Promise<number> {
  return new Promise((resolveCode, reject) => {
    const child = spawn(dvcPath, args, { cwd, env, stdio });
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? nxDvcError('NX_DVC_PYTHON_DVC_MISSING', `engine 'dvc' needs the Python dvc executable, but '${dvcPath}' was not found`, {
              hint: "install it (`pip install dvc`), set the target option 'dvcPath', or use --engine=momo",
              data: { dvcPath },
            })
          : e,
      );
    });
    child.on('close', (code, signal) => resolveCode(code ?? (signal ? 128 : 1)));
  });
}

async function runPythonDvc<O extends CommonExecutorOptions>(
  input: RunOperationInput<O>,
  cwd: string,
  env: NodeJS.ProcessEnv,
  targets: string[],
  io: ExecutorIo,
  verbose: boolean,
): Promise<ExecutorResult> {
  const dvcPath = input.options.dvcPath ?? 'dvc';
  const args = pythonDvcArgs(input.operation, input.options, targets, verbose);
  if (verbose) io.err(`[nx-dvc] ${dvcPath} ${args.join(' ')}\n`);
  // DVC analytics and the updater would reach the network from a build task
  const dvcEnv = { DVC_NO_ANALYTICS: '1', DVC_IGNORE_UPDATER: '1', ...env };
  const code = await spawnDvc(dvcPath, args, cwd, dvcEnv, 'inherit');
  if (code !== 0) {
    throw nxDvcError('NX_DVC_PYTHON_DVC_FAILED', `'${dvcPath} ${input.operation}' failed in '${input.projectRoot}' (exit code ${code})`, {
      hint: 'its own messages are above; run the target with --verbose for more detail',
      data: { dvcPath, args, code },
    });
  }
  if (input.operation === 'status' && (input.options as StatusExecutorOptions).failOnChanges) {
    // plain `dvc status` exits 0 even when stale; `-q` answers with its exit code
    const quiet = await spawnDvc(dvcPath, ['status', '-q', ...targets], cwd, dvcEnv, 'ignore');
    return { success: quiet === 0 };
  }
  return { success: true };
}
