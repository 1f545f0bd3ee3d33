/**
 * `momo-core`, the deployed app (the seed's Deployment Phase): the frozen core KB ships with the
 * app and is verified at every start; the user's own knowledge stays on this machine, encrypted;
 * nothing reaches the network (bin/momo-core.js installs the guard before this module loads);
 * an optional backup goes to a remote the user names.
 *
 * Paths: --home (default $MOMO_HOME, else ~/.momo) holds core-kb/ (the installed bundle) and
 * user-kb/ (the vault); --core / --user-kb override them. The passphrase comes from
 * $MOMO_CORE_PASSPHRASE, else the first line of stdin when it is not a terminal, else a prompt
 * (no echo); `passwd` reads the new one from $MOMO_CORE_NEW_PASSPHRASE or the next line/prompt.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EXIT, isMomoError } from '@momo/errors';
import { coreError } from './errors.js';
import type { CoreKb } from './core-kb.js';
import type { UserKb } from './user-kb/user-kb.js';

/** momo-core's version (kept equal to package.json by a test). */
export const CORE_VERSION = '0.1.0';

/** Where the app writes: data to `out`, messages to `err`; input comes from `stdin`. */
export interface CoreIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** the whole of stdin when it is not a terminal (read lazily), else undefined */
  readStdin(): Promise<string | undefined>;
  /** asks on the terminal without echo; undefined when there is no terminal */
  prompt?(question: string): Promise<string>;
}

function processIo(): CoreIo {
  let stdin: Promise<string | undefined> | undefined;
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    readStdin: () =>
      (stdin ??= process.stdin.isTTY
        ? Promise.resolve(undefined)
        : new Promise((res) => {
            const parts: Buffer[] = [];
            process.stdin.on('data', (c: Buffer) => parts.push(c));
            process.stdin.on('end', () => res(Buffer.concat(parts).toString('utf8')));
            process.stdin.on('error', () => res(undefined));
          })),
    prompt: process.stdin.isTTY ? promptHidden : undefined,
  };
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolvePrompt) => {
    process.stderr.write(question);
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolvePrompt(value);
          return;
        }
        if (ch === '\u0003') process.kill(process.pid, 'SIGINT');
        else if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

interface Paths {
  home: string;
  core: string;
  userKb: string;
  deployment?: string;
}

function paths(io: CoreIo, g: { home?: string; core?: string; userKb?: string; deployment?: string }): Paths {
  const env = io.env;
  const home = resolve(io.cwd, g.home ?? env.MOMO_HOME ?? join(env.HOME ?? '/', '.momo'));
  const pkgDeployment = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deployment');
  const deployment = g.deployment ?? env.MOMO_DEPLOYMENT_DIR ?? (existsSync(join(pkgDeployment, '.dvc', 'config')) ? pkgDeployment : undefined);
  return {
    home,
    core: resolve(io.cwd, g.core ?? env.MOMO_CORE_KB ?? join(home, 'core-kb')),
    userKb: resolve(io.cwd, g.userKb ?? env.MOMO_USER_KB ?? join(home, 'user-kb')),
    deployment: deployment ? resolve(io.cwd, deployment) : undefined,
  };
}

/** Reads passphrases: env first, then stdin lines (in order), then a hidden prompt. */
function passphrases(io: CoreIo) {
  let lines: string[] | undefined;
  let next = 0;
  const fromStdin = async (): Promise<string | undefined> => {
    if (!lines) {
      const text = await io.readStdin();
      lines = text === undefined ? [] : text.split(/\r?\n/);
    }
    return next < lines.length && (lines[next] !== '' || next < lines.length - 1) ? lines[next++] : undefined;
  };
  return async (envName: string, question: string): Promise<string> => {
    const v = io.env[envName];
    if (v !== undefined && v !== '') return v;
    const s = await fromStdin();
    if (s !== undefined) return s;
    if (io.prompt) return io.prompt(question);
    throw coreError('CORE_PASSPHRASE_MISSING', 'no passphrase given', { hint: `set ${envName}, pipe it on stdin, or run in a terminal`, exitCode: EXIT.USAGE });
  };
}

async function openCore(p: Paths): Promise<CoreKb> {
  const { openCoreKb } = await import('./core-kb.js');
  return openCoreKb({ dir: p.core });
}

function intArg(name: string, min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new CommanderError(EXIT.USAGE, 'momo-core.invalidArgument', `argument ${name}: expected an integer in [${min}, ${max}], got '${v}'`);
    return n;
  };
}

/** Builds the command-line program. */
export function buildProgram(io: CoreIo, state: { code: number; waitForever?: Promise<void> }): Command {
  const program = new Command('momo-core');
  program
    .description('The deployed momo app: a frozen core knowledge base and your encrypted private one, searched together, offline')
    .version(CORE_VERSION, '-V, --version')
    .option('--home <dir>', 'app data directory (default $MOMO_HOME or ~/.momo)')
    .option('--core <dir>', 'the frozen core KB bundle (default <home>/core-kb)')
    .option('--user-kb <dir>', 'the encrypted user KB (default <home>/user-kb)')
    .option('--deployment <dir>', 'directory holding the deployment .dvc/config (named backup remotes)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  const P = () => paths(io, program.opts());
  const ask = passphrases(io);
  const unlock = async (write: boolean): Promise<UserKb> => {
    const { UserKb } = await import('./user-kb/user-kb.js');
    const p = P();
    if (!UserKb.exists(p.userKb)) return UserKb.open({ dir: p.userKb, passphrase: '' });
    return UserKb.open({ dir: p.userKb, passphrase: await ask('MOMO_CORE_PASSPHRASE', 'Passphrase: '), write });
  };

  program
    .command('init')
    .description('Create your encrypted user KB')
    .action(async () => {
      const { UserKb } = await import('./user-kb/user-kb.js');
      const p = P();
      const pass = await ask('MOMO_CORE_PASSPHRASE', 'New passphrase: ');
      if (io.prompt && io.env.MOMO_CORE_PASSPHRASE === undefined) {
        const again = await io.prompt('Repeat it: ');
        if (again !== pass) throw coreError('CORE_PASSPHRASE_INVALID', 'the two passphrases differ', { hint: 'run `momo-core init` again', exitCode: EXIT.USAGE });
      }
      const kb = await UserKb.create({ dir: p.userKb, passphrase: pass });
      await kb.close();
      io.err(`Created an encrypted user KB in ${p.userKb} (AES-256-GCM, scrypt key). Keep the passphrase: it cannot be recovered.\n`);
    });

  program
    .command('verify')
    .description('Verify the frozen core KB against its manifest')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { json?: boolean }) => {
      const core = await openCore(P());
      const m = core.manifest;
      if (flags.json) io.out(`${JSON.stringify({ ok: true, dir: core.dir, rev: m.source.rev, commit: m.source.commit, momo_version: m.momo_version, files: core.files, bytes: core.bytes, verifyMs: Math.round(core.verifyMs) }, null, 2)}\n`);
      else io.out(`core KB OK: ${m.source.rev} (${m.source.commit}), ${core.files} files, ${core.bytes} bytes verified in ${Math.round(core.verifyMs)} ms\n`);
      await core.kb.close();
    });

  program
    .command('add')
    .description('Add private files or folders to your KB')
    .argument('<paths...>', 'files or folders on this machine')
    .action(async (targets: string[]) => {
      const kb = await unlock(true);
      try {
        for (const t of targets) {
          const r = await kb.addPath(resolve(io.cwd, t));
          io.out(`added ${r.source.kind} ${r.source.label}: ${r.source.files} files, ${r.source.chunks} pieces (source ${r.source.id})${r.skipped.length ? `, ${r.skipped.length} skipped` : ''}\n`);
        }
      } finally {
        await kb.close();
      }
    });

  program
    .command('note')
    .description('Add a note to your KB (text from the argument, or stdin after the passphrase line)')
    .requiredOption('-t, --title <title>', 'title of the note')
    .argument('[text]', 'the note')
    .action(async (text: string | undefined, flags: { title: string }) => {
      const kb = await unlock(true);
      try {
        let body = text;
        if (body === undefined) {
          const rest = await io.readStdin();
          body = rest === undefined ? '' : rest.split(/\r?\n/).slice(io.env.MOMO_CORE_PASSPHRASE ? 0 : 1).join('\n');
        }
        const r = await kb.addNote({ title: flags.title, text: body });
        io.out(`added note ${JSON.stringify(r.source.label)}: ${r.source.chunks} pieces (source ${r.source.id})\n`);
      } finally {
        await kb.close();
      }
    });

  program
    .command('list')
    .description('List what your KB holds')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      const kb = await unlock(false);
      const sources = kb.list();
      await kb.close();
      if (flags.json) io.out(`${JSON.stringify(sources, null, 2)}\n`);
      else if (!sources.length) io.out('Your KB is empty.\n');
      else for (const s of sources) io.out(`${s.id}  ${s.kind.padEnd(6)}  ${String(s.chunks).padStart(5)} pieces  ${s.label}\n`);
    });

  program
    .command('remove')
    .description('Remove a source (by id, see `list`) from your KB')
    .argument('<id>', 'source id')
    .action(async (id: string) => {
      const kb = await unlock(true);
      try {
        const s = await kb.remove(id);
        io.out(`removed ${s.kind} ${s.label}\n`);
      } finally {
        await kb.close();
      }
    });

  program
    .command('search')
    .description('Search the core KB and your KB together')
    .argument('<query>', 'what you are looking for')
    .option('-n, --limit <n>', 'maximum hits', intArg('--limit', 1, 100), 10)
    .option('--json', 'print hits as JSON')
    .action(async (query: string, flags: { limit: number; json?: boolean }) => {
      const p = P();
      const core = await openCore(p);
      const { UserKb } = await import('./user-kb/user-kb.js');
      const user = UserKb.exists(p.userKb) ? await unlock(false) : undefined;
      const { searchBoth } = await import('./search-both.js');
      const hits = await searchBoth({ core: core.kb, user, query, limit: flags.limit });
      await user?.close();
      await core.kb.close();
      if (flags.json) io.out(`${JSON.stringify(hits, null, 2)}\n`);
      else if (!hits.length) io.out('No matches.\n');
      else for (const h of hits) io.out(`${h.score.toFixed(3)}  [${h.kb === 'core' ? 'core' : 'user'}]  ${h.path}:${h.startLine}-${h.endLine}${h.symbol ? `  ${h.symbol}` : ''}\n`);
    });

  program
    .command('serve')
    .description('Serve the web page on 127.0.0.1 (Ctrl-C to stop)')
    .option('-p, --port <n>', 'port (0: any free port)', intArg('--port', 0, 65535), 0)
    .option('--log', 'log each request (method and route only) to stderr')
    .action(async (flags: { port: number; log?: boolean }) => {
      const p = P();
      const core = await openCore(p);
      const user = await unlock(true);
      const { startServer } = await import('./server.js');
      let server;
      try {
        server = await startServer({ core, user, port: flags.port, log: flags.log ? (l) => io.err(`${l}\n`) : undefined });
      } catch (e) {
        await user.close();
        throw e;
      }
      io.out(`momo-core: serving ${server.url} (core KB ${core.manifest.source.rev}, ${core.files} files verified; your KB: ${user.size} pieces)\n`);
      state.waitForever = new Promise<void>((done) => {
        const stop = () => {
          void server.close().then(async () => {
            await user.close();
            await core.kb.close();
            done();
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });

  program
    .command('passwd')
    .description('Change the passphrase (everything is re-encrypted under a new key)')
    .action(async () => {
      const kb = await unlock(true);
      try {
        const next = await ask('MOMO_CORE_NEW_PASSPHRASE', 'New passphrase: ');
        await kb.changePassphrase(next);
        io.err('Passphrase changed; the user KB was re-encrypted.\n');
      } finally {
        await kb.close();
      }
    });

  program
    .command('backup')
    .description('Push your KB, encrypted, to a remote you control (a path, ssh://, s3://, https://, or a remote of the deployment config)')
    .requiredOption('-r, --remote <url>', 'remote URL/path or name')
    .action(async (flags: { remote: string }) => {
      const p = P();
      const kb = await unlock(false);
      try {
        const { backupUserKb } = await import('./backup.js');
        const r = await backupUserKb({ userKb: kb, remote: flags.remote, deploymentDir: p.deployment, cwd: io.cwd, env: io.env });
        io.out(`backed up ${r.size} bytes of ciphertext to ${r.url} (md5 ${r.md5}${r.uploaded ? '' : ', already there'})\n`);
      } finally {
        await kb.close();
      }
    });

  program
    .command('restore')
    .description('Bring your KB back from a backup (needs its passphrase)')
    .requiredOption('-r, --remote <url>', 'remote URL/path or name')
    .option('-f, --force', 'replace an existing user KB')
    .action(async (flags: { remote: string; force?: boolean }) => {
      const p = P();
      const { restoreUserKb } = await import('./backup.js');
      const passphrase = await ask('MOMO_CORE_PASSPHRASE', 'Passphrase of the backup: ');
      const r = await restoreUserKb({ remote: flags.remote, deploymentDir: p.deployment, cwd: io.cwd, env: io.env, dir: p.userKb, passphrase, force: flags.force });
      io.out(`restored the user KB into ${p.userKb}: ${r.sources} sources (${r.size} bytes, md5 ${r.md5})\n`);
    });

  program
    .command('info')
    .description('Show where the app keeps its data and what the deployment config says')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      const p = P();
      const info: Record<string, unknown> = { home: p.home, core: p.core, userKb: p.userKb, deployment: p.deployment ?? null };
      if (p.deployment) {
        const { loadConfig, resolveRemoteConfig } = await import('@momo/dvc');
        const c = loadConfig({ root: p.deployment, env: io.env });
        info.cacheDir = c.cache.dir;
        info.defaultRemote = c.core.remote || null;
        info.remotes = Object.fromEntries(c.remoteNames.map((n) => [n, resolveRemoteConfig(c, { name: n }).url]));
      }
      if (flags.json) io.out(`${JSON.stringify(info, null, 2)}\n`);
      else for (const [k, v] of Object.entries(info)) io.out(`${k}: ${typeof v === 'object' && v ? JSON.stringify(v) : String(v)}\n`);
    });
  return program;
}

/** Renders an error as `ERROR: <message>` + hint; returns the exit code. */
export function renderError(io: CoreIo, e: unknown): number {
  if (isMomoError(e)) {
    io.err(`ERROR: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
    return e.exitCode;
  }
  io.err(`ERROR: unexpected error - ${(e as Error)?.message ?? String(e)}\nThis is a bug in momo-core ${CORE_VERSION}: please report it with the command you ran.\n`);
  return EXIT.UNEXPECTED;
}

/** The app's composition root. Resolves when the command is done (for `serve`: when stopped). */
export async function main(argv: string[], io: CoreIo = processIo()): Promise<number> {
  const state: { code: number; waitForever?: Promise<void> } = { code: EXIT.OK };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (state.waitForever) await state.waitForever;
    return state.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      if (e.code === 'momo-core.invalidArgument') io.err(`ERROR: ${e.message}\n`);
      return EXIT.USAGE;
    }
    return renderError(io, e);
  }
}
