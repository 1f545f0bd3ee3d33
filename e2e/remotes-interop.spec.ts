/**
 * Issue #4, Deliver 7: real DVC 3.67.1 and momo share one SSH remote (OpenSSH sshd) and one S3
 * remote (versitygw, which checks SigV4 signatures), configured with the very same `.dvc/config` and
 * `.dvc/config.local` keys. DVC pushes and momo pulls, momo pushes and DVC pulls; workspaces, caches
 * (paths and modes) and remote object keys come out identical, and both tools agree on `status -c`,
 * `gc -c` and the exit codes of auth and connection failures. (Local remotes: e2e/data-sync.spec.ts.)
 *
 * Host keys: dvc-ssh 4.3.0 hands the connection to sshfs, which passes `known_hosts=None` to asyncssh
 * (sshfs/spec.py), so DVC never checks the server's key and has no config key for it. momo reads
 * `~/.ssh/known_hosts` and refuses a key that differs from a recorded one (an unknown host is
 * accepted, as DVC would). Both tools run here with a HOME whose known_hosts records the test server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  MOMO_BIN,
  freePort,
  oracleDvcPath,
  snapshotTree,
  startS3Server,
  startSshd,
  testEnv,
  tmpRepo,
  type FileState,
  type RunResult,
  type S3Server,
  type SshdServer,
  type TmpRepo,
} from '@momo/testing';

type Tool = 'dvc' | 'momo';
type Kind = 'ssh' | 's3';
type Section = Record<string, string | number>;

let sshd: SshdServer;
let s3: S3Server;
let home: TmpRepo;
const repos: TmpRepo[] = [];

/** Runs a tool without blocking the event loop, so DVC and momo runs overlap (2-core budget). */
function run(tool: Tool, cwd: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const [bin, pre] = tool === 'dvc' ? [oracleDvcPath(), []] : [process.execPath, [MOMO_BIN]];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...pre, ...args], { cwd, env: testEnv({ HOME: home.root, ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function ok(tool: Tool, cwd: string, ...args: string[]): Promise<RunResult> {
  const r = await run(tool, cwd, args);
  if (r.code !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

function repo(prefix: string, git = true): TmpRepo {
  const r = tmpRepo({ git, prefix: `momo-rinterop-${prefix}-` });
  repos.push(r);
  return r;
}

/** A teammate's fresh clone: tracked files only, empty cache, their own `.dvc/config.local`. */
function clone(from: TmpRepo, prefix: string, local: string): TmpRepo {
  const r = repo(prefix, false);
  r.git('clone', '-q', from.root, '.');
  writeFileSync(join(r.root, '.dvc', 'config.local'), local);
  return r;
}

/** A full copy (workspace, cache, git) with other remote settings. */
function copy(from: TmpRepo, prefix: string, config: string, local: string): TmpRepo {
  const r = repo(prefix, false);
  cpSync(from.root, r.root, { recursive: true, filter: (src) => !src.startsWith(join(from.root, '.dvc', 'tmp')) });
  writeFileSync(join(r.root, '.dvc', 'config'), config);
  writeFileSync(join(r.root, '.dvc', 'config.local'), local);
  return r;
}

/** DVC's config text for one remote section (configobj layout, as `dvc remote modify` writes it). */
function ini(name: string, keys: Section, core = false): string {
  const body = Object.entries(keys).map(([k, v]) => `    ${k} = ${v}\n`).join('');
  return `${core ? `[core]\n    remote = ${name}\n` : ''}['remote "${name}"']\n${body}`;
}

/** The shared (git) and secret (config.local) keys of a remote, as a team would set them. */
interface RemoteSetup {
  config: Section;
  local: Section;
}

function setup(kind: Kind, prefix: string): RemoteSetup {
  if (kind === 'ssh') {
    return {
      config: { url: `ssh://${sshd.user}@127.0.0.1${sshd.root}/${prefix}`, port: sshd.port },
      local: { keyfile: sshd.keyfile },
    };
  }
  return {
    config: { url: `s3://${s3.bucket}/${prefix}`, endpointurl: s3.endpoint, region: s3.region },
    local: { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey },
  };
}

/** Every object stored under the remote prefix: key (plus mode on SSH, where files are real files). */
function remoteListing(kind: Kind, prefix: string): string[] {
  const root = kind === 'ssh' ? join(sshd.root, prefix) : join(s3.dataDir, s3.bucket, prefix);
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(kind === 'ssh' ? `${relative(root, p)} ${(statSync(p).mode & 0o777).toString(8)}` : relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

/** Object keys of a repo's cache, as they must appear on the remote. */
function cacheKeys(r: TmpRepo): string[] {
  const cache = join(r.root, '.dvc', 'cache');
  if (!existsSync(cache)) return [];
  return Object.keys(snapshotTree(cache, { contents: false }))
    .filter((p) => p.startsWith('files/'))
    .sort();
}

function withoutKeys(tree: Record<string, FileState>, ...keys: string[]): Record<string, FileState> {
  return Object.fromEntries(Object.entries(tree).filter(([k]) => !keys.includes(k)));
}

/** 3 MiB of deterministic bytes: over SSH this takes the pipelined fastPut/fastGet path. */
const BIG = (() => {
  const parts: Buffer[] = [];
  for (let i = 0; parts.length * 16 < 3 * 1024 * 1024; i++) parts.push(createHash('md5').update(String(i)).digest());
  return Buffer.concat(parts);
})();

const DVC_YAML = ['stages:', '  join:', '    cmd: cat foo data/sub/b.txt > joined.txt', '    deps:', '    - data', '    - foo', '    outs:', '    - joined.txt', ''].join('\n');

/**
 * 70 small files: enough for momo's batched existence checks to take their listing path on S3
 * (existsMany lists `files/md5/xx/` for batches of 64 or more).
 */
const MANY = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`f${String(i).padStart(2, '0')}.txt`, `line ${i}\n`]));

/** A file, a directory with nested (empty, binary, 3 MiB, 70 small) files and a pipeline stage output. */
async function project(tool: Tool): Promise<TmpRepo> {
  const r = repo(`${tool}-base`);
  await ok(tool, r.root, 'init', '-q');
  r.gen({ foo: 'foo\n', data: { 'a.csv': 'a,b\n1,2\n', empty: '', many: MANY, sub: { 'b.txt': 'bee\n', deeper: { 'big.bin': BIG } } }, 'dvc.yaml': DVC_YAML });
  await ok(tool, r.root, 'add', '-q', 'foo', 'data');
  await ok(tool, r.root, 'repro', '-q');
  return r;
}

/** The base project made into a git repo whose committed `.dvc/config` points at `kind`'s remote. */
function forRemote(base: TmpRepo, tool: Tool, kind: Kind, prefix: string): TmpRepo {
  const r = repo(`${tool}-${kind}`, false);
  cpSync(base.root, r.root, { recursive: true, filter: (src) => !src.startsWith(join(base.root, '.dvc', 'tmp')) });
  const s = setup(kind, prefix);
  writeFileSync(join(r.root, '.dvc', 'config'), ini('storage', s.config, true));
  writeFileSync(join(r.root, '.dvc', 'config.local'), ini('storage', s.local));
  r.git('add', '-A');
  r.git('commit', '-q', '-m', 'data and pipeline');
  return r;
}

interface Pair {
  /** pushed by DVC to `<remote>/by-dvc` */
  dvc: TmpRepo;
  /** pushed by momo to `<remote>/by-momo` */
  momo: TmpRepo;
  push: Record<Tool, RunResult>;
}
const pairs = {} as Record<Kind, Pair>;

beforeAll(async () => {
  home = tmpRepo({ prefix: 'momo-rinterop-home-' });
  const [servers, dvcBase, momoBase] = await Promise.all([
    Promise.all([startSshd({ passwordUser: true }), startS3Server()]),
    project('dvc'),
    project('momo'),
  ]);
  [sshd, s3] = servers;
  mkdirSync(join(home.root, '.ssh'));
  writeFileSync(join(home.root, '.ssh', 'known_hosts'), readFileSync(sshd.knownHostsFile));
  await Promise.all(
    (['ssh', 's3'] as const).map(async (kind) => {
      const d = forRemote(dvcBase, 'dvc', kind, 'by-dvc');
      const m = forRemote(momoBase, 'momo', kind, 'by-momo');
      const [pd, pm] = await Promise.all([run('dvc', d.root, ['push']), run('momo', m.root, ['push'])]);
      pairs[kind] = { dvc: d, momo: m, push: { dvc: pd, momo: pm } };
    }),
  );
}, 240_000);

afterAll(async () => {
  await Promise.all([sshd?.stop(), s3?.stop()]);
  for (const r of repos) r.cleanup();
  home?.cleanup();
});

describe.each(['ssh', 's3'] as const)('%s remote shared by DVC 3.67.1 and momo', (kind) => {
  it('both push the same objects (same report, same keys on the remote as in the cache)', () => {
    const { dvc, momo, push } = pairs[kind];
    expect(push.dvc.code).toBe(0);
    expect([push.momo.code, push.momo.stdout]).toEqual([0, push.dvc.stdout]);
    expect(push.dvc.stdout).toBe('77 files pushed\n');
    // the same content gives the same tracked files, hence the same objects
    for (const f of ['foo.dvc', 'data.dvc', 'dvc.lock']) expect(readFileSync(join(momo.root, f), 'utf8')).toBe(readFileSync(join(dvc.root, f), 'utf8'));
    const keys = (l: string[]) => l.map((x) => x.split(' ')[0]);
    expect(keys(remoteListing(kind, 'by-dvc'))).toEqual(cacheKeys(dvc));
    expect(remoteListing(kind, 'by-momo')).toEqual(remoteListing(kind, 'by-dvc'));
  });

  it("each tool's status -c finds what the other one pushed in sync", async () => {
    const { dvc, momo } = pairs[kind];
    const [m, d] = await Promise.all([run('momo', dvc.root, ['status', '-c']), run('dvc', momo.root, ['status', '-c'])]);
    expect([m.code, m.stdout]).toEqual([0, "Cache and remote 'storage' are in sync.\n"]);
    expect([d.code, d.stdout]).toEqual([0, "Cache and remote 'storage' are in sync.\n"]);
  }, 120_000);

  it('momo pulls what DVC pushed, DVC pulls what momo pushed: same report, workspace and cache as the original', async () => {
    const { dvc, momo } = pairs[kind];
    const byMomo = clone(dvc, 'pull-momo', ini('storage', setup(kind, 'by-dvc').local));
    const byDvc = clone(momo, 'pull-dvc', ini('storage', setup(kind, 'by-momo').local));
    const [m, d] = await Promise.all([run('momo', byMomo.root, ['pull']), run('dvc', byDvc.root, ['pull'])]);
    expect(d.code).toBe(0);
    expect([m.code, m.stdout]).toEqual([0, d.stdout]);
    // workspace bytes, cache paths and modes (0444 objects), .gitignore files; only the URL differs
    const tree = (r: TmpRepo) => withoutKeys(snapshotTree(r.root, { skip: (p) => p === '.dvc/cache/runs' }), '.dvc/config');
    expect(tree(byMomo)).toEqual(tree(byDvc));
    expect(tree(byMomo)).toEqual(tree(dvc));
    expect(readFileSync(join(byMomo.root, 'data/sub/deeper/big.bin')).equals(BIG)).toBe(true);
  }, 120_000);
});

describe('credentials and hosts kept outside the repo', () => {
  /** A HOME of its own, with the test server's known_hosts entry. */
  function otherHome(files: Record<string, string>): string {
    const h = repo('home');
    mkdirSync(join(h.root, '.ssh'));
    writeFileSync(join(h.root, '.ssh', 'known_hosts'), readFileSync(sshd.knownHostsFile));
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(join(h.root, p, '..'), { recursive: true });
      writeFileSync(join(h.root, p), text);
    }
    return h.root;
  }

  /** status -c of both tools in a copy of the DVC-made repo, with these remote keys and HOME. */
  async function bothInSync(kind: Kind, config: Section, local: Section, HOME: string) {
    const r = copy(pairs[kind].dvc, `outside-${kind}`, ini('storage', config, true), Object.keys(local).length ? ini('storage', local) : '');
    const [d, m] = await Promise.all([run('dvc', r.root, ['status', '-c'], { HOME }), run('momo', r.root, ['status', '-c'], { HOME })]);
    expect([d.code, d.stdout]).toEqual([0, "Cache and remote 'storage' are in sync.\n"]);
    // nothing else on momo's stderr (e.g. no warning from the lazily loaded AWS SDK)
    expect([m.code, m.stdout, m.stderr]).toEqual([0, d.stdout, '']);
  }

  it('an ssh:// URL naming a Host of ~/.ssh/config (HostName, Port, User, IdentityFile) works for both', async () => {
    const HOME = otherHome({ '.ssh/config': `Host storage-box\n    HostName 127.0.0.1\n    Port ${sshd.port}\n    User ${sshd.user}\n    IdentityFile ${sshd.keyfile}\n` });
    await bothInSync('ssh', { url: `ssh://storage-box${sshd.root}/by-dvc` }, {}, HOME);
  }, 120_000);

  it('S3 keys from a profile of ~/.aws/credentials (profile in config.local) work for both', async () => {
    const HOME = otherHome({ '.aws/credentials': `[team]\naws_access_key_id = ${s3.accessKeyId}\naws_secret_access_key = ${s3.secretAccessKey}\n` });
    const { url, endpointurl } = setup('s3', 'by-dvc').config;
    await bothInSync('s3', { url, endpointurl }, { profile: 'team' }, HOME);
  }, 120_000);
});

interface FailureCase {
  name: string;
  kind: Kind;
  config: () => Section;
  local: () => Section;
  code: string;
  /** what momo's message says (push, status -c, and the pull hint) */
  text: RegExp;
  env?: Record<string, string>;
  /**
   * What real DVC runs for the comparison (momo always runs all three). Budget: `dvc status -c` takes
   * the path of `dvc push`, and every `dvc pull` catches the connection error the same way.
   */
  dvc: Array<'push' | 'status' | 'pull'>;
}

/** DVC 3.67.1's exit codes when the remote refuses us or cannot be reached. */
const EXPECTED_EXIT = { push: 255, status: 255, pull: 1 } as const;

let closedPort = 0;
const FAILURES: FailureCase[] = [
  {
    name: 'ssh: a key the server does not accept',
    kind: 'ssh',
    config: () => setup('ssh', 'by-dvc').config,
    local: () => ({ keyfile: sshd.unauthorisedKeyfile }),
    code: 'REMOTE_AUTH_FAILED',
    dvc: ['push', 'status', 'pull'],
    text: /\[remote:ssh\] authentication to root@127\.0\.0\.1:\d+ failed for remote 'storage'/,
  },
  {
    name: 'ssh: a wrong password',
    kind: 'ssh',
    config: () => ({ url: `ssh://${sshd.password!.user}@127.0.0.1${sshd.password!.root}`, port: sshd.port }),
    local: () => ({ password: 'not-the-password' }),
    code: 'REMOTE_AUTH_FAILED',
    dvc: ['push'],
    text: /\[remote:ssh\] authentication to momo-sftp-test@127\.0\.0\.1:\d+ failed for remote 'storage'/,
  },
  {
    name: 'ssh: a closed port',
    kind: 'ssh',
    config: () => ({ ...setup('ssh', 'by-dvc').config, port: closedPort }),
    local: () => setup('ssh', 'by-dvc').local,
    code: 'REMOTE_UNREACHABLE',
    dvc: ['push'],
    text: /\[remote:ssh\] cannot connect to 127\.0\.0\.1:\d+ \(connect ECONNREFUSED/,
  },
  {
    name: 's3: a wrong secret (SigV4 checked by the server)',
    kind: 's3',
    config: () => setup('s3', 'by-dvc').config,
    local: () => ({ access_key_id: s3.accessKeyId, secret_access_key: 'not-the-secret' }),
    code: 'REMOTE_AUTH_FAILED',
    dvc: ['push', 'pull'],
    text: /\[remote:s3\] S3 rejected the credentials of remote 'storage' \(s3:\/\/momo-test\/by-dvc\) \(SignatureDoesNotMatch\)/,
  },
  {
    name: 's3: a closed port',
    kind: 's3',
    config: () => ({ ...setup('s3', 'by-dvc').config, endpointurl: `http://127.0.0.1:${closedPort}` }),
    local: () => setup('s3', 'by-dvc').local,
    code: 'REMOTE_UNREACHABLE',
    dvc: ['push'],
    text: /\[remote:s3\] cannot reach the S3 endpoint http:\/\/127\.0\.0\.1:\d+\/ for remote 'storage'/,
    // botocore retries a refused connection for ~17 s by default; one attempt says the same
    env: { AWS_MAX_ATTEMPTS: '1' },
  },
];

const pullFailure = (stderr: string) => /failed to pull data from the cloud - \d+ files? failed to download/.exec(stderr)?.[0];

describe.concurrent('auth and connection failures: a coded error and the exit codes of DVC 3.67.1', () => {
  beforeAll(async () => {
    closedPort = await freePort();
  });

  it.each(FAILURES)('$name', async (c) => {
    const config = ini('storage', c.config(), true);
    const local = ini('storage', c.local());
    // per tool: push and status -c in a full copy, pull in an empty clone
    const side = async (tool: Tool) => {
      const wants = (cmd: 'push' | 'status' | 'pull') => tool === 'momo' || c.dvc.includes(cmd);
      const full = copy(pairs[c.kind].dvc, `fail-${tool}`, config, local);
      const empty = clone(pairs[c.kind].dvc, `fail-${tool}`, local);
      writeFileSync(join(empty.root, '.dvc', 'config'), config);
      const v = tool === 'momo' ? ['-v'] : [];
      const [[push, status], pull] = await Promise.all([
        (async () => {
          const p = wants('push') ? await run(tool, full.root, [...v, 'push'], c.env) : undefined;
          return [p, wants('status') ? await run(tool, full.root, [...v, 'status', '-c'], c.env) : undefined] as const;
        })(),
        wants('pull') ? run(tool, empty.root, [...v, 'pull'], c.env) : undefined,
      ]);
      return { push, status, pull, empty };
    };
    const [dvc, momo] = await Promise.all([side('dvc'), side('momo')]);
    // DVC lets the connection error escape push and status -c ("unexpected error", 255); fetch/pull
    // count the objects as failed downloads (exit 1)
    for (const cmd of c.dvc) expect([cmd, dvc[cmd]?.code]).toEqual([cmd, EXPECTED_EXIT[cmd]]);
    expect([momo.push!.code, momo.status!.code, momo.pull!.code]).toEqual([EXPECTED_EXIT.push, EXPECTED_EXIT.status, EXPECTED_EXIT.pull]);
    for (const r of [momo.push!, momo.status!]) {
      expect(r.stderr).toMatch(c.text);
      expect(r.stderr).toContain(`[${c.code}]`);
      expect(r.stderr).toMatch(/\nhint: \S/);
    }
    expect(momo.pull!.stderr).toMatch(c.text);
    if (dvc.pull) expect(pullFailure(momo.pull!.stderr)).toBe(pullFailure(dvc.pull.stderr));
    else expect(pullFailure(momo.pull!.stderr)).toBe('failed to pull data from the cloud - 3 files failed to download');
    // nothing was checked out or cached
    expect(existsSync(join(momo.empty.root, 'foo'))).toBe(false);
    expect(cacheKeys(momo.empty)).toEqual([]);
  }, 150_000);

  it('a host key that differs from known_hosts stops momo (REMOTE_HOST_KEY_MISMATCH); DVC does not check host keys', async () => {
    const other = tmpRepo({ prefix: 'momo-rinterop-home2-' });
    repos.push(other);
    mkdirSync(join(other.root, '.ssh'));
    const forged = `[127.0.0.1]:${sshd.port} ssh-ed25519 ${readFileSync(`${sshd.keyfile}.pub`, 'utf8').split(' ')[1]}\n`;
    writeFileSync(join(other.root, '.ssh', 'known_hosts'), forged);
    const { dvc } = pairs.ssh;
    const m = await run('momo', dvc.root, ['-v', 'status', '-c'], { HOME: other.root });
    const d = await run('dvc', dvc.root, ['status', '-c'], { HOME: other.root });
    expect(m.code).toBe(255);
    expect(m.stderr).toContain('[REMOTE_HOST_KEY_MISMATCH]');
    expect(m.stderr).toContain(`the host key of '127.0.0.1:${sshd.port}' does not match known_hosts`);
    expect([d.code, d.stdout]).toEqual([0, "Cache and remote 'storage' are in sync.\n"]);
  }, 120_000);
});

describe('gc -c on the S3 remote', () => {
  it('gc -w -c -f removes the same objects from the remote as dvc gc does', async () => {
    const { dvc, momo } = pairs.s3;
    // what `git rm foo.dvc` leaves: foo is no longer tracked
    for (const r of [dvc, momo]) rmSync(join(r.root, 'foo.dvc'));
    const [d, m] = await Promise.all([run('dvc', dvc.root, ['gc', '-w', '-c', '-f']), run('momo', momo.root, ['gc', '-w', '-c', '-f'])]);
    expect(d.code).toBe(0);
    expect([m.code, m.stdout]).toEqual([d.code, d.stdout]);
    expect(d.stdout).toContain('Removed 1 objects from remote.');
    const after = remoteListing('s3', 'by-dvc');
    expect(after).not.toContain('files/md5/d3/b07384d113edec49eaa6238ad5ff00');
    expect(remoteListing('s3', 'by-momo')).toEqual(after);
    expect(cacheKeys(momo)).toEqual(cacheKeys(dvc));
  }, 120_000);
});
