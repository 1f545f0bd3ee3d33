import { readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { isMomoError, type MomoError } from '@momo/errors';
import { BaseRemote, type RemoteOp } from '../base-remote.js';
import { remoteError, describeCause, UNREACHABLE_ERRNOS } from '../errors.js';
import { importOptional } from '../lazy-import.js';
import { isTempName, tempPathFor, joinPath, checkPath, groupByParent } from '../paths.js';
import { mapLimit } from '../concurrency.js';
import { ProgressCounter } from '../progress.js';
import type { RetryOptions } from '../retry.js';
import type { DownloadOptions, ExistsManyOptions, ReadOptions, RemoteCapabilities, RemoteStat } from '../remote.js';
import { parseKnownHosts, checkHostKey, knownKeysFor, keyTypeOfBlob, type KnownHostEntry, type HostKeyVerdict } from './known-hosts.js';
import { resolveSshConfig } from './ssh-config.js';
import type { Ssh2Module, Ssh2Client, Ssh2Sftp, Ssh2Stats, Ssh2AuthAttempt, Ssh2SftpError } from './ssh2-types.js';

/** How the driver treats the server's host key. */
export type HostKeyPolicy =
  /** Refuse hosts that are not in known_hosts (OpenSSH `StrictHostKeyChecking yes`). */
  | 'strict'
  /** Refuse a key that differs from a recorded one; accept (without recording) unknown hosts. */
  | 'accept-unknown'
  /** No check at all: DVC's own behaviour (dvc-ssh passes `known_hosts=None` to asyncssh). */
  | 'off';

/** Options of {@link createSshRemote}; the DVC keys come from the remote's config section. */
export interface SshRemoteOptions {
  /** `ssh://[user@]host[:port]/absolute/path` */
  url: string;
  /** DVC `user`; wins over the URL's user. */
  user?: string;
  /** DVC `port`; wins over the URL's port. */
  port?: number;
  /** DVC `keyfile`: private key path (`~` expanded). */
  keyfile?: string;
  /** DVC `password`; also tried as the key passphrase, as dvc-ssh does. */
  password?: string;
  /** DVC `passphrase` of the key file. */
  passphrase?: string;
  /** DVC `ask_password`: call {@link SshRemoteOptions.askSecret} when no password is set. */
  askPassword?: boolean;
  /** DVC `ask_passphrase`: call {@link SshRemoteOptions.askSecret} for an encrypted key without passphrase. */
  askPassphrase?: boolean;
  /** Prompts the user (injected by the CLI; library code never reads a TTY). */
  askSecret?: (prompt: string) => Promise<string>;
  /**
   * DVC `timeout`, in seconds, for establishing the connection.
   * @default 60 (DVC waits 1800 s; a CLI user is better served by a minute)
   */
  timeout?: number;
  /** DVC `max_sessions`: SFTP channels opened on the one SSH connection. @default 8 */
  maxSessions?: number;
  /** Parallelism of batch calls. @default 32 */
  jobs?: number;
  /** Host-key policy. @default 'accept-unknown' */
  hostKeyPolicy?: HostKeyPolicy;
  /** known_hosts files to read. @default [`<home>/.ssh/known_hosts`, `/etc/ssh/ssh_known_hosts`] */
  knownHostsFiles?: string[];
  /** ssh_config file consulted for HostName/User/Port/IdentityFile. @default `<home>/.ssh/config` */
  sshConfigFile?: string | null;
  /** ssh-agent socket (the composition root passes `$SSH_AUTH_SOCK`). */
  agent?: string;
  /** Home directory for `~` and the defaults above. @default os.homedir() */
  homeDir?: string;
  /** Local user name when none is configured. @default os.userInfo().username */
  localUser?: string;
  retry?: RetryOptions;
  /** Remote name, for messages. */
  name?: string;
  /** Inject the `ssh2` module instead of importing it. */
  lib?: { ssh2?: unknown };
}

/** SFTP status codes (draft-ietf-secsh-filexfer-02 §7). */
const FX_NO_SUCH_FILE = 2;
const FX_PERMISSION_DENIED = 3;
const FX_FAILURE = 4;

/** Small objects are read and written in one request; larger ones are pipelined. */
const SMALL = 256 * 1024;
const CHUNK = 256 * 1024;
const PIPELINE = 16;
/** Requests in flight on one channel before the pool opens another one. */
const CHANNEL_DEPTH = 8;
/** The channel weight of one fastPut/fastGet transfer: a channel of its own while there are enough. */
const BULK = CHANNEL_DEPTH;
/** existsMany lists directories for batches of at least this many paths… */
const LIST_MIN_BATCH = 64;
/** …and for directories holding at least this many of them… */
const LIST_MIN_GROUP = 8;
/** …reading at most one READDIR page (OpenSSH sends up to 100 names) per this many paths. */
const STATS_PER_PAGE = 8;
const FX_EOF = 1;

const SERVER_HOST_KEY_ALGOS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

const CONNECTION_LOST = Symbol('connectionLost');

/** Imported by name at run time (ssh2 ships no types; see ssh2-types.ts). */
const SSH2_MODULE: string = 'ssh2';

function sftpCode(e: unknown): number | string | undefined {
  return (e as Ssh2SftpError | undefined)?.code;
}

function call<T = void>(fn: (cb: (err: Ssh2SftpError | undefined | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

interface Channel {
  sftp: Ssh2Sftp;
  inflight: number;
  dead: boolean;
  /**
   * Rejects (transient) when the channel or its connection goes away. ssh2 answers the requests
   * pending at that moment with "No response from server", but a request sent afterwards (a
   * cleanup `close`/`unlink`, or the `close` inside ssh2's fastPut/fastGet error path) is never
   * answered: every operation races this so it fails and is retried instead of hanging.
   */
  lost: Promise<never>;
  kill: () => void;
}

interface Connection {
  client: Ssh2Client;
  channels: Channel[];
  maxChannels: number;
  opening: Promise<void> | null;
  dead: boolean;
  posixRename: boolean;
}

interface ResolvedTarget {
  host: string;
  port: number;
  username: string;
  root: string;
  identityFiles: string[];
}

/**
 * The SFTP driver (DVC's `ssh://` remotes). One SSH connection carries up to `max_sessions` SFTP
 * channels, opened as load grows; requests are pipelined on each channel. Writes go to a temp name in
 * the target directory and are renamed over the object with OpenSSH's `posix-rename`, so readers never
 * see a partial object.
 */
export class SshRemote extends BaseRemote {
  readonly scheme = 'ssh' as const;
  readonly capabilities: RemoteCapabilities = {
    list: true,
    write: true,
    delete: true,
    batchExists: true,
    traversePrefixLength: 2,
    protectsObjects: false,
  };
  /** Host, port, user and root path the driver connects to (after config and ssh_config). */
  readonly target: ResolvedTarget;
  private readonly options: SshRemoteOptions;
  private readonly home: string;
  private conn: Promise<Connection> | null = null;
  private readonly dirs = new Map<string, Promise<void>>();

  constructor(options: SshRemoteOptions) {
    super({ url: options.url, jobs: options.jobs ?? 32, retry: options.retry, name: options.name });
    this.options = options;
    this.home = options.homeDir ?? homedir();
    this.target = this.resolveTarget();
  }

  private expandHome(p: string): string {
    return p === '~' ? this.home : p.startsWith('~/') ? join(this.home, p.slice(2)) : p;
  }

  private resolveTarget(): ResolvedTarget {
    let url: URL;
    try {
      url = new URL(this.options.url);
    } catch (e) {
      throw remoteError('ssh', 'REMOTE_URL_INVALID', `cannot parse the remote URL '${this.options.url}'`, {
        hint: 'SSH remote URLs look like ssh://user@example.com:22/absolute/path',
        cause: e,
      });
    }
    if (url.protocol !== 'ssh:' || !url.hostname) {
      throw remoteError('ssh', 'REMOTE_URL_INVALID', `'${this.options.url}' is not an ssh:// URL with a host`, {
        hint: 'SSH remote URLs look like ssh://user@example.com:22/absolute/path',
      });
    }
    const urlHost = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const sshConfigFile = this.options.sshConfigFile === undefined ? join(this.home, '.ssh', 'config') : this.options.sshConfigFile;
    const fromFile = sshConfigFile && existsSync(sshConfigFile) ? resolveSshConfig(readFileSync(sshConfigFile, 'utf8'), urlHost) : { identityFiles: [] as string[] };
    // Precedence as in dvc-ssh: config keys, then the URL, then ssh_config, then defaults.
    const username = this.options.user || decodeURIComponent(url.username) || fromFile.user || this.options.localUser || userInfo().username;
    const port = this.options.port || (url.port ? Number(url.port) : undefined) || fromFile.port || 22;
    const root = decodeURIComponent(url.pathname) || '/';
    return {
      host: 'hostName' in fromFile && fromFile.hostName ? fromFile.hostName : urlHost,
      port,
      username,
      root: root.length > 1 && root.endsWith('/') ? root.slice(0, -1) : root,
      identityFiles: fromFile.identityFiles.map((f) => this.expandHome(f)),
    };
  }

  private abs(path: string): string {
    return joinPath(this.target.root, path);
  }

  // ---- connection pool -------------------------------------------------------------------

  private connection(): Promise<Connection> {
    if (!this.conn) {
      const p = this.connect();
      this.conn = p;
      p.catch(() => {
        if (this.conn === p) this.conn = null;
      });
    }
    return this.conn;
  }

  private async connect(): Promise<Connection> {
    const ssh2 = await importOptional<Ssh2Module>('ssh', 'ssh2', this.options.lib?.ssh2 as Ssh2Module | undefined, () => import(SSH2_MODULE).then((m: { default?: unknown }) => m.default ?? m));
    const { host, port, username } = this.target;
    const policy = this.options.hostKeyPolicy ?? 'accept-unknown';
    const knownHosts = policy === 'off' ? [] : this.loadKnownHosts();
    const knownTypes = [...new Set(knownKeysFor(knownHosts, host, port).filter((e) => !e.revoked).map((e) => e.keyType))];
    const preferred = knownTypes.flatMap((t) => SERVER_HOST_KEY_ALGOS[t] ?? []);
    const attempts = await this.authAttempts(ssh2);

    let verdict: HostKeyVerdict | undefined;
    let presented = '';
    const client = new ssh2.Client();
    const conn: Connection = { client, channels: [], maxChannels: Math.max(1, this.options.maxSessions ?? 8), opening: null, dead: false, posixRename: true };
    await new Promise<void>((resolve, reject) => {
      let i = 0;
      client.once('ready', () => resolve());
      client.once('error', (e: Error & { level?: string }) => {
        client.end();
        reject(this.connectError(e, verdict, presented, attempts.reasons));
      });
      client.connect({
        host,
        port,
        username,
        readyTimeout: (this.options.timeout ?? 60) * 1000,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 4,
        algorithms: preferred.length ? ({ serverHostKey: { remove: preferred, prepend: preferred } } as unknown as { serverHostKey: string[] }) : undefined,
        hostVerifier: (blob: Buffer) => {
          if (policy === 'off') return true;
          const v = checkHostKey(knownHosts, host, port, blob);
          presented = `${keyTypeOfBlob(blob)} ${blob.toString('base64')}`;
          const accepted = v === 'known' || (v === 'unknown' && policy === 'accept-unknown');
          // Only a refused key explains a failed connection: an accepted one must not turn a later
          // auth failure into a host-key error.
          if (!accepted) verdict = v;
          return accepted;
        },
        authHandler: (_left, _partial, next) => {
          next(i < attempts.list.length ? attempts.list[i++] : false);
        },
      });
    });
    const onGone = () => {
      conn.dead = true;
      for (const ch of conn.channels) ch.kill();
      if (this.conn && !this.closed) void this.conn.then((c) => c === conn && (this.conn = null), () => undefined);
    };
    client.on('close', onGone);
    client.on('end', onGone);
    client.on('error', onGone);
    const first = await this.openChannel(conn);
    conn.channels.push(first);
    conn.posixRename = first.sftp._extensions?.['posix-rename@openssh.com'] !== undefined;
    return conn;
  }

  private loadKnownHosts(): KnownHostEntry[] {
    const files = this.options.knownHostsFiles ?? [join(this.home, '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
    return files.map((f) => this.expandHome(f)).flatMap((f) => (existsSync(f) ? parseKnownHosts(readFileSync(f, 'utf8')) : []));
  }

  /** The auth methods to try, in order, and why configured keys were left out. */
  private async authAttempts(ssh2: Ssh2Module): Promise<{ list: Ssh2AuthAttempt[]; reasons: string[] }> {
    const username = this.target.username;
    const list: Ssh2AuthAttempt[] = [];
    const reasons: string[] = [];
    const o = this.options;
    const prompt = `host '${this.target.host}' port '${this.target.port}' user '${username}'`;
    const explicitKey = o.keyfile ? [this.expandHome(o.keyfile)] : [];
    const keyFiles = explicitKey.length
      ? explicitKey
      : this.target.identityFiles.length
        ? this.target.identityFiles
        : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => join(this.home, '.ssh', n)).filter((f) => existsSync(f));
    for (const file of keyFiles) {
      let data: Buffer;
      try {
        data = readFileSync(file);
      } catch (e) {
        if (explicitKey.length) {
          throw remoteError('ssh', 'REMOTE_CONFIG_INVALID', `keyfile '${file}' of remote ${this.describe()} cannot be read: ${describeCause(e)}`, {
            hint: `fix the path with \`dvc remote modify ${this.name ?? '<name>'} keyfile <path>\``,
            data: { keyfile: file },
            exitCode: 1,
          });
        }
        continue;
      }
      let passphrase = o.passphrase ?? o.password;
      let parsed = ssh2.utils.parseKey(data, passphrase);
      if (parsed instanceof Error && /passphrase|encrypted/i.test(parsed.message) && passphrase === undefined && o.askPassphrase && o.askSecret) {
        passphrase = await o.askSecret(`Enter a private key passphrase for '${file}' (${prompt}):`);
        parsed = ssh2.utils.parseKey(data, passphrase);
      }
      if (parsed instanceof Error) {
        reasons.push(/passphrase|encrypted|decrypt|bad/i.test(parsed.message)
          ? `keyfile '${file}' is encrypted and ${passphrase === undefined ? 'no passphrase is configured' : 'the passphrase does not open it'}`
          : `keyfile '${file}' is not a private key momo can read (${parsed.message})`);
        continue;
      }
      // Hand over the parsed key: parsing an encrypted key runs bcrypt, so do it once.
      list.push({ type: 'publickey', username, key: (Array.isArray(parsed) ? parsed[0] : parsed) as unknown as Buffer });
    }
    if (o.agent) list.push({ type: 'agent', username, agent: o.agent });
    let password = o.password;
    if (password === undefined && o.askPassword) {
      if (!o.askSecret) reasons.push('ask_password is set but momo cannot prompt here');
      else password = await o.askSecret(`Enter a password for ${prompt}:`);
    }
    if (password !== undefined) {
      const pw = password;
      list.push({ type: 'password', username, password: pw });
      list.push({ type: 'keyboard-interactive', username, prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => pw)) });
    }
    if (list.length === 0) list.push({ type: 'none', username });
    return { list, reasons };
  }

  private connectError(e: Error & { level?: string; code?: string }, verdict: HostKeyVerdict | undefined, presented: string, reasons: string[]): MomoError {
    const { host, port, username } = this.target;
    const where = `${username}@${host}:${port}`;
    if (verdict === 'mismatch' || verdict === 'revoked') {
      return remoteError('ssh', 'REMOTE_HOST_KEY_MISMATCH', `the host key of '${host}:${port}' does not match known_hosts${verdict === 'revoked' ? ' (the key is marked @revoked)' : ''}; refusing to connect (remote ${this.describe()})`, {
        hint: `if the server's key changed on purpose, remove the old entry with \`ssh-keygen -R '[${host}]:${port}'\` and connect once with ssh to record the new one`,
        data: { host, port, presented },
        cause: e,
      });
    }
    if (verdict === 'unknown') {
      return remoteError('ssh', 'REMOTE_HOST_KEY_UNKNOWN', `'${host}:${port}' is not in known_hosts and strict host-key checking is on (remote ${this.describe()})`, {
        hint: `connect once with \`ssh -p ${port} ${username}@${host}\` to record its key, after checking the fingerprint`,
        data: { host, port, presented },
        cause: e,
      });
    }
    if (e.level === 'client-authentication') {
      const why = reasons.length ? ` (${reasons.join('; ')})` : '';
      return remoteError('ssh', 'REMOTE_AUTH_FAILED', `authentication to ${where} failed for remote ${this.describe()}${why}`, {
        hint: `set credentials with \`dvc remote modify --local ${this.name ?? '<name>'} keyfile <path>\` or \`… password <password>\` (--local keeps secrets in .dvc/config.local, out of git)`,
        data: { host, port, user: username },
        cause: e,
      });
    }
    if (e.level === 'client-timeout' || (e.code && UNREACHABLE_ERRNOS.has(e.code)) || e.level === 'client-socket') {
      const what = e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? `unknown host '${host}'` : e.level === 'client-timeout' ? `timed out connecting to ${host}:${port}` : `cannot connect to ${host}:${port} (${describeCause(e)})`;
      return remoteError('ssh', 'REMOTE_UNREACHABLE', `${what} for remote ${this.describe()}`, {
        hint: 'check the host name, port and network, and that an SSH server runs there',
        data: { host, port, code: e.code },
        cause: e,
      });
    }
    return remoteError('ssh', 'REMOTE_UNREACHABLE', `SSH connection to ${host}:${port} failed for remote ${this.describe()}: ${describeCause(e)}`, {
      hint: 'check that the server speaks SSH and allows the sftp subsystem',
      data: { host, port },
      cause: e,
    });
  }

  private openChannel(conn: Connection): Promise<Channel> {
    return new Promise((resolve, reject) => {
      conn.client.sftp((err, sftp) => {
        if (err) return reject(err);
        let fail!: (e: Error) => void;
        const lost = new Promise<never>((_, rej) => (fail = rej));
        lost.catch(() => undefined);
        const gone = () => {
          ch.dead = true;
          fail(Object.assign(new Error('the SSH connection is closed'), { [CONNECTION_LOST]: true }));
        };
        const ch: Channel = { sftp, inflight: 0, dead: false, lost, kill: gone };
        sftp.on('close', gone);
        sftp.on('end', gone);
        sftp.on('error', gone);
        resolve(ch);
      });
    });
  }

  /**
   * The least busy live channel with room for `weight` more requests, or null when every channel
   * is that busy and another may be opened.
   */
  private pick(conn: Connection, weight: number): Channel | null {
    if (conn.channels.some((c) => c.dead)) conn.channels = conn.channels.filter((c) => !c.dead);
    let best: Channel | undefined;
    for (const c of conn.channels) if (!best || c.inflight < best.inflight) best = c;
    if (best && (best.inflight + weight <= CHANNEL_DEPTH || conn.channels.length >= conn.maxChannels)) return best;
    return null;
  }

  /** Takes a channel slot (sync when one is free, so parallel callers spread out at once). */
  private async acquire(conn: Connection, weight: number): Promise<Channel> {
    for (;;) {
      const ch = this.pick(conn, weight);
      if (ch) {
        ch.inflight += weight;
        return ch;
      }
      if (conn.dead) throw Object.assign(new Error('the SSH connection is closed'), { [CONNECTION_LOST]: true });
      conn.opening ??= this.openChannel(conn).then(
        (opened) => {
          conn.channels.push(opened);
          conn.opening = null;
        },
        (e) => {
          // The server's MaxSessions is lower than ours: stay at what we have.
          conn.opening = null;
          conn.maxChannels = Math.max(1, conn.channels.length);
          if (conn.channels.length === 0) throw e;
        },
      );
      await conn.opening;
    }
  }

  /**
   * Runs `fn` on a pooled channel; marks failures of a dropped connection as transient. A large
   * transfer takes a `weight` of a whole channel ({@link BULK}), so parallel big files each get
   * their own channel (its own flow-control window and its own sftp-server process) instead of
   * sharing the first one's.
   */
  private async withSftp<T>(fn: (sftp: Ssh2Sftp, conn: Connection, lost: Promise<never>) => Promise<T>, weight = 1): Promise<T> {
    const conn = await this.connection();
    const ch = await this.acquire(conn, weight);
    try {
      return await Promise.race([fn(ch.sftp, conn, ch.lost), ch.lost]);
    } catch (e) {
      if ((conn.dead || ch.dead) && typeof e === 'object' && e !== null && !isMomoError(e)) (e as Record<symbol, boolean>)[CONNECTION_LOST] = true;
      throw e;
    } finally {
      ch.inflight -= weight;
    }
  }

  // ---- error hooks ----------------------------------------------------------------------

  protected isTransient(error: unknown): boolean {
    if (typeof error !== 'object' || error === null) return false;
    if ((error as Record<symbol, boolean>)[CONNECTION_LOST]) return true;
    const code = sftpCode(error);
    return code === 'ECONNRESET' || code === 'EPIPE' || /No response from server|Not connected|Channel open failure/i.test((error as Error).message ?? '');
  }

  protected translate(error: unknown, op: RemoteOp, path: string | undefined): MomoError {
    if (isMomoError(error)) return error;
    const code = sftpCode(error);
    if (code === FX_NO_SUCH_FILE && path && op !== 'write' && op !== 'upload') return this.missing(path, error);
    if (code === FX_PERMISSION_DENIED) {
      return remoteError('ssh', 'REMOTE_PERMISSION_DENIED', `${op}${path ? ` '${path}'` : ''} was denied by the SSH server for remote ${this.describe()}`, {
        hint: `check that '${this.target.username}' may write to '${this.target.root}' on ${this.target.host}`,
        data: { op, path },
        cause: error,
      });
    }
    if ((error as Record<symbol, boolean>)?.[CONNECTION_LOST]) {
      return remoteError('ssh', 'REMOTE_UNREACHABLE', `the SSH connection to ${this.target.host}:${this.target.port} was lost during ${op}${path ? ` '${path}'` : ''} (remote ${this.describe()})`, {
        hint: 'check the network and the server, then run the command again',
        data: { op, path },
        cause: error,
      });
    }
    return this.failed(op, path, error);
  }

  // ---- primitives -----------------------------------------------------------------------

  protected async doStat(path: string): Promise<RemoteStat | null> {
    return this.withSftp(async (sftp) => {
      try {
        const st = await call<Ssh2Stats>((cb) => sftp.stat(this.abs(path), cb));
        return st.isFile() ? { size: st.size, mode: st.mode & 0o7777 } : null;
      } catch (e) {
        if (sftpCode(e) === FX_NO_SUCH_FILE) return null;
        throw e;
      }
    });
  }

  /**
   * Existence of many objects. Large batches are answered from READDIR pages of their directories
   * (`files/md5/xx/`) instead of one STAT per object, as DVC traverses large queries on listable
   * remotes (dvc-compat §10.4); a missing directory answers all its paths at once. SFTP pages come
   * in no order, so a directory too large for its page budget answers what it listed and the rest
   * is checked object by object.
   */
  override async existsMany(paths: readonly string[], options: ExistsManyOptions = {}): Promise<boolean[]> {
    if (paths.length < LIST_MIN_BATCH) return super.existsMany(paths, options);
    for (const p of paths) checkPath('ssh', p);
    this.assertOpen();
    const groups = groupByParent(paths);
    const out = new Array<boolean>(paths.length);
    let done = 0;
    const jobs = options.jobs ?? this.jobs;
    const answer = (i: number, v: boolean) => {
      out[i] = v;
      options.onProgress?.(++done, paths.length);
    };
    const stats: number[] = [];
    await mapLimit([...groups], Math.max(1, Math.ceil(jobs / 4)), async ([dir, idxs]) => {
      if (idxs.length < LIST_MIN_GROUP) {
        stats.push(...idxs);
        return;
      }
      const budget = Math.ceil(idxs.length / STATS_PER_PAGE);
      const { names, complete } = await this.run('exists', dir || undefined, () => this.listFiles(dir, budget), true, options.signal);
      for (const i of idxs) {
        const name = paths[i].slice(dir.length + 1);
        if (names.has(name)) answer(i, true);
        else if (complete) answer(i, false);
        else stats.push(i);
      }
    }, options.signal);
    await mapLimit(stats, jobs, async (i) => answer(i, await this.run('exists', paths[i], () => this.doExists(paths[i]), true, options.signal)), options.signal);
    return out;
  }

  /** Names of the regular files in `dir` (remote-relative), reading at most `maxPages` READDIR pages. */
  private listFiles(dir: string, maxPages: number): Promise<{ names: Set<string>; complete: boolean }> {
    return this.withSftp(async (sftp) => {
      const names = new Set<string>();
      let handle: Buffer;
      try {
        handle = await call<Buffer>((cb) => sftp.opendir(dir ? this.abs(dir) : this.target.root, cb));
      } catch (e) {
        if (sftpCode(e) === FX_NO_SUCH_FILE) return { names, complete: true };
        throw e;
      }
      try {
        for (let page = 0; page < maxPages; page++) {
          let list: Array<{ filename: string; attrs: Ssh2Stats }>;
          try {
            list = await call((cb) => sftp.readdir(handle, cb));
          } catch (e) {
            if (sftpCode(e) === FX_EOF) return { names, complete: true };
            throw e;
          }
          for (const ent of list) if (ent.attrs.isFile()) names.add(ent.filename);
        }
        return { names, complete: false };
      } finally {
        sftp.close(handle, () => undefined);
      }
    });
  }

  protected async *doList(prefix: string): AsyncIterable<string> {
    const slash = prefix.lastIndexOf('/');
    let level = [slash < 0 ? '' : prefix.slice(0, slash)];
    while (level.length > 0) {
      const listings = await mapLimit(level, 16, (rel) =>
        this.run('list', rel || undefined, () =>
          this.withSftp(async (sftp) => {
            try {
              return { rel, entries: await call<Array<{ filename: string; attrs: Ssh2Stats }>>((cb) => sftp.readdir(rel ? this.abs(rel) : this.target.root, cb)) };
            } catch (e) {
              if (sftpCode(e) === FX_NO_SUCH_FILE) return { rel, entries: [] };
              throw e;
            }
          }),
        ),
      );
      const next: string[] = [];
      const files: string[] = [];
      for (const { rel, entries } of listings) {
        for (const ent of entries) {
          if (ent.filename === '.' || ent.filename === '..') continue;
          const p = rel ? `${rel}/${ent.filename}` : ent.filename;
          if (ent.attrs.isDirectory()) {
            if (p.startsWith(prefix) || prefix.startsWith(`${p}/`)) next.push(p);
          } else if (ent.attrs.isFile() && p.startsWith(prefix) && !isTempName(ent.filename)) {
            files.push(p);
          }
        }
      }
      yield* files;
      level = next;
    }
  }

  /** Reads `size` bytes (or to EOF) from an open handle with pipelined requests. */
  private async readHandle(sftp: Ssh2Sftp, handle: Buffer, size: number, counter: ProgressCounter): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(size);
    const offsets: number[] = [];
    for (let off = 0; off < size; off += CHUNK) offsets.push(off);
    await mapLimit(offsets, PIPELINE, async (off) => {
      let pos = off;
      const end = Math.min(size, off + CHUNK);
      while (pos < end) {
        const n = await new Promise<number>((resolve, reject) => sftp.read(handle, buf, pos, end - pos, pos, (err, nb) => (err ? reject(err) : resolve(nb))));
        if (n === 0) throw new Error(`object shrank while reading (expected ${size} bytes)`);
        pos += n;
        counter.add(n);
      }
    });
    return buf;
  }

  private async openRead(sftp: Ssh2Sftp, path: string): Promise<{ handle: Buffer; size: number }> {
    const handle = await call<Buffer>((cb) => sftp.open(this.abs(path), 'r', cb));
    try {
      const st = await call<Ssh2Stats>((cb) => sftp.fstat(handle, cb));
      if (!st.isFile()) throw Object.assign(new Error(`'${path}' is not a file`), { code: FX_NO_SUCH_FILE });
      return { handle, size: st.size };
    } catch (e) {
      sftp.close(handle, () => undefined);
      throw e;
    }
  }

  protected async doRead(path: string): Promise<{ stream: Readable; size: number | undefined }> {
    return this.withSftp(async (sftp, _conn, lost) => {
      const { handle, size } = await this.openRead(sftp, path);
      const stream = sftp.createReadStream(this.abs(path), { handle, highWaterMark: CHUNK, autoClose: true });
      // reads sent after the channel died would never be answered: end the stream with the error
      lost.catch((e: Error) => stream.destroy(e));
      return { stream, size };
    });
  }

  override async readFile(path: string, options: ReadOptions = {}): Promise<Buffer> {
    checkPath('ssh', path);
    return this.run('read', path, () =>
      this.withSftp(async (sftp) => {
        const { handle, size } = await this.openRead(sftp, path);
        try {
          return await this.readHandle(sftp, handle, size, new ProgressCounter(path, size, options.onProgress));
        } finally {
          // Not awaited: the server handles requests of a channel in order, and a failed close of
          // a read handle loses nothing.
          sftp.close(handle, () => undefined);
        }
      }),
    );
  }

  protected override async doDownload(path: string, tmpFile: string, options: DownloadOptions): Promise<void> {
    await this.withSftp(async (sftp) => {
      const { handle, size } = await this.openRead(sftp, path);
      const counter = new ProgressCounter(path, size, options.onProgress);
      if (size <= 8 * CHUNK) {
        try {
          writeFileSync(tmpFile, await this.readHandle(sftp, handle, size, counter));
        } finally {
          sftp.close(handle, () => undefined);
        }
        return;
      }
      sftp.close(handle, () => undefined);
      await this.withSftp(
        (bulk) => call((cb) => bulk.fastGet(this.abs(path), tmpFile, { concurrency: PIPELINE, chunkSize: CHUNK, step: (total) => counter.set(total) }, cb)),
        BULK,
      );
    });
  }

  /** `mkdir -p` on the server, memoised per directory. */
  private ensureDir(sftp: Ssh2Sftp, dir: string): Promise<void> {
    let p = this.dirs.get(dir);
    if (!p) {
      p = (async () => {
        try {
          await call((cb) => sftp.mkdir(dir, cb));
        } catch (e) {
          const code = sftpCode(e);
          if (code === FX_NO_SUCH_FILE) {
            await this.ensureDir(sftp, posix.dirname(dir));
            try {
              await call((cb) => sftp.mkdir(dir, cb));
            } catch (e2) {
              if (sftpCode(e2) !== FX_FAILURE) throw e2;
            }
          } else if (code !== FX_FAILURE) {
            throw e;
          }
          // FX_FAILURE is what OpenSSH answers for "already exists"; confirm it is a directory.
          const st = await call<Ssh2Stats>((cb) => sftp.stat(dir, cb));
          if (!st.isDirectory()) throw Object.assign(new Error(`'${dir}' exists and is not a directory`), { code: FX_FAILURE });
        }
      })();
      this.dirs.set(dir, p);
      p.catch(() => this.dirs.delete(dir));
    }
    return p;
  }

  /** Opens a temp file for writing next to `target`, creating parent directories on demand. */
  private async openTemp(sftp: Ssh2Sftp, target: string): Promise<{ tmp: string; handle: Buffer }> {
    const tmp = tempPathFor(target);
    const dir = posix.dirname(target);
    const known = this.dirs.get(dir);
    if (known) await known;
    try {
      return { tmp, handle: await call<Buffer>((cb) => sftp.open(tmp, 'w', cb)) };
    } catch (e) {
      if (sftpCode(e) !== FX_NO_SUCH_FILE) throw e;
      this.dirs.delete(dir);
      await this.ensureDir(sftp, dir);
      return { tmp, handle: await call<Buffer>((cb) => sftp.open(tmp, 'w', cb)) };
    }
  }

  /** Renames the (closed) temp file over `target`; posix-rename replaces atomically. */
  private async commit(sftp: Ssh2Sftp, conn: Connection, tmp: string, target: string): Promise<void> {
    if (conn.posixRename) {
      await call((cb) => sftp.ext_openssh_rename(tmp, target, cb));
      return;
    }
    // Plain SFTP rename refuses an existing target: remove it first (a reader may briefly see no
    // object, never a partial one).
    try {
      await call((cb) => sftp.rename(tmp, target, cb));
    } catch {
      await call((cb) => sftp.unlink(target, cb)).catch(() => undefined);
      await call((cb) => sftp.rename(tmp, target, cb));
    }
  }

  private async writeAt(sftp: Ssh2Sftp, handle: Buffer, data: Buffer, position: number): Promise<void> {
    if (data.length === 0) return;
    await call((cb) => sftp.write(handle, data, 0, data.length, position, cb));
  }

  protected async doWrite(path: string, source: Buffer | Readable, _size: number | undefined, counter: ProgressCounter): Promise<void> {
    const target = this.abs(path);
    await this.withSftp(async (sftp, conn) => {
      const { tmp, handle } = await this.openTemp(sftp, target);
      let closed = false;
      try {
        if (Buffer.isBuffer(source) && source.length <= CHUNK) {
          // The write and the close go out together (the server handles a handle's requests in
          // order): one round trip fewer per small object. The rename below waits for both, so a
          // failed write never becomes an object.
          const wrote = this.writeAt(sftp, handle, source, 0);
          const closing = call((cb) => sftp.close(handle, cb));
          closed = true;
          const [w, c] = await Promise.allSettled([wrote, closing]);
          if (w.status === 'rejected') throw w.reason;
          if (c.status === 'rejected') throw c.reason;
          counter.add(source.length);
        } else if (Buffer.isBuffer(source)) {
          const offsets: number[] = [];
          for (let off = 0; off < source.length; off += CHUNK) offsets.push(off);
          await mapLimit(offsets, PIPELINE, async (off) => {
            const part = source.subarray(off, Math.min(source.length, off + CHUNK));
            await this.writeAt(sftp, handle, part, off);
            counter.add(part.length);
          });
        } else {
          let pos = 0;
          const inflight = new Set<Promise<void>>();
          let failure: unknown;
          for await (const chunk of source) {
            const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
            const at = pos;
            pos += data.length;
            const p: Promise<void> = this.writeAt(sftp, handle, data, at).then(
              () => {
                inflight.delete(p);
                counter.add(data.length);
              },
              (e) => {
                inflight.delete(p);
                failure ??= e;
              },
            );
            inflight.add(p);
            if (failure) throw failure;
            if (inflight.size >= PIPELINE) await Promise.race(inflight);
          }
          await Promise.all(inflight);
          if (failure) throw failure;
        }
        if (!closed) {
          await call((cb) => sftp.close(handle, cb));
          closed = true;
        }
        await this.commit(sftp, conn, tmp, target);
      } catch (e) {
        if (!closed) sftp.close(handle, () => undefined);
        await call((cb) => sftp.unlink(tmp, cb)).catch(() => undefined);
        throw e;
      }
    });
  }

  protected override async doUpload(fromFile: string, path: string, size: number, counter: ProgressCounter): Promise<void> {
    if (size <= 8 * CHUNK) {
      await this.doWrite(path, readFileSync(fromFile), size, counter);
      return;
    }
    const target = this.abs(path);
    await this.withSftp(async (sftp, conn) => {
      // fastPut opens the remote file itself: make sure the directory exists first.
      const { tmp, handle } = await this.openTemp(sftp, target);
      try {
        await call((cb) => sftp.close(handle, cb));
        await call((cb) => sftp.fastPut(fromFile, tmp, { concurrency: PIPELINE, chunkSize: CHUNK, step: (total) => counter.set(total) }, cb));
        if (statSync(fromFile).size !== size) throw new Error(`'${fromFile}' changed size while uploading`);
        await this.commit(sftp, conn, tmp, target);
      } catch (e) {
        await call((cb) => sftp.unlink(tmp, cb)).catch(() => undefined);
        throw e;
      }
    }, BULK);
  }

  protected async doDelete(path: string): Promise<void> {
    await this.withSftp(async (sftp) => {
      try {
        await call((cb) => sftp.unlink(this.abs(path), cb));
      } catch (e) {
        if (sftpCode(e) !== FX_NO_SUCH_FILE) throw e;
      }
    });
  }

  protected async doClose(): Promise<void> {
    const pending = this.conn;
    this.conn = null;
    this.dirs.clear();
    if (!pending) return;
    const conn = await pending.catch(() => null);
    if (!conn) return;
    await new Promise<void>((resolve) => {
      if (conn.dead) return resolve();
      conn.client.once('close', () => resolve());
      conn.client.end();
      setTimeout(resolve, 2000).unref();
    });
  }

  /** Opens the connection now (otherwise the first call does), surfacing auth/host-key errors early. */
  async connectNow(): Promise<void> {
    this.assertOpen();
    try {
      await this.connection();
    } catch (e) {
      throw this.translate(e, 'connect', undefined);
    }
  }

  /** Number of SFTP channels currently open (for tests and diagnostics). */
  async channelCount(): Promise<number> {
    const conn = await this.connection();
    return conn.channels.length;
  }
}

/** Creates the SFTP driver. The connection opens lazily on the first call. */
export function createSshRemote(options: SshRemoteOptions): SshRemote {
  return new SshRemote(options);
}
