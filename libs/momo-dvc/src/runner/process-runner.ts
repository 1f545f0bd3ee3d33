/**
 * The port through which stage commands run (STYLE §5): cwd, environment, streaming output,
 * signals. {@link createNodeProcessRunner} is the Node implementation; tests and embedders
 * (the Nx executor, a web page) may pass their own.
 *
 * Shell rules match DVC 3.67.1 `dvc/stage/run.py` (`get_executable`, `_make_cmd`): the command
 * runs as `$SHELL -c <cmd>` (`/bin/sh` when SHELL is unset), with `--noprofile --norc` for bash,
 * `--no-rcs` for zsh and `--no-config` for fish ≥ 3.3; while it runs, Ctrl-C is left to the
 * command (the parent ignores SIGINT, as DVC does).
 */
import { spawn, execFileSync } from 'node:child_process';
import { basename } from 'node:path';

/** One command to run. */
export interface ProcessRunOptions {
  /** the command line (one line of a stage's `cmd`) */
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** `inherit`: the command writes straight to our stdout/stderr; `pipe`: through `onOutput` */
  stdio: 'inherit' | 'pipe';
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** aborting kills the command (SIGTERM) */
  signal?: AbortSignal;
}

/** How a command ended. */
export interface ProcessRunResult {
  /** exit code; null when killed by a signal */
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs stage commands. */
export interface ProcessRunner {
  run(options: ProcessRunOptions): Promise<ProcessRunResult>;
}

const fishNoConfig = new Map<string, boolean>();

function fishSupportsNoConfig(executable: string): boolean {
  let ok = fishNoConfig.get(executable);
  if (ok === undefined) {
    try {
      const v = execFileSync(executable, ['--version'], { encoding: 'utf8' }).trim().split(' ').pop() ?? '';
      const [a = 0, b = 0] = v.split('.').map(Number);
      ok = a > 3 || (a === 3 && b >= 3);
    } catch {
      // unknown fish version: no extra flag, as DVC defaults to False
      ok = false;
    }
    fishNoConfig.set(executable, ok);
  }
  return ok;
}

/** The argv DVC runs for `cmd` under `shell` (`_make_cmd`). */
export function shellArgv(shell: string, cmd: string): string[] {
  const name = basename(shell).toLowerCase();
  const opts: string[] = name === 'zsh' ? ['--no-rcs'] : name === 'bash' ? ['--noprofile', '--norc'] : [];
  if (name === 'fish' && fishSupportsNoConfig(shell)) opts.push('--no-config');
  return [shell, ...opts, '-c', cmd];
}

/** Runs commands with `child_process.spawn` through the user's shell. */
export function createNodeProcessRunner(): ProcessRunner {
  return {
    run(options) {
      const shell = options.env.SHELL || '/bin/sh';
      const [file, ...args] = shellArgv(shell, options.command);
      return new Promise((resolve, reject) => {
        const child = spawn(file!, args, {
          cwd: options.cwd,
          env: options.env,
          stdio: options.stdio === 'inherit' ? 'inherit' : ['inherit', 'pipe', 'pipe'],
        });
        // like DVC: while the command runs, Ctrl-C goes to it, and we wait for its exit code
        const ignore = () => {};
        process.on('SIGINT', ignore);
        const onAbort = () => child.kill('SIGTERM');
        options.signal?.addEventListener('abort', onAbort, { once: true });
        if (options.stdio === 'pipe') {
          child.stdout?.setEncoding('utf8');
          child.stderr?.setEncoding('utf8');
          child.stdout?.on('data', (c: string) => options.onOutput?.(c, 'stdout'));
          child.stderr?.on('data', (c: string) => options.onOutput?.(c, 'stderr'));
        }
        const done = () => {
          process.off('SIGINT', ignore);
          options.signal?.removeEventListener('abort', onAbort);
        };
        child.once('error', (e) => {
          done();
          reject(e);
        });
        child.once('close', (code, signal) => {
          done();
          resolve({ code, signal });
        });
      });
    },
  };
}
