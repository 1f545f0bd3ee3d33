/**
 * A real OpenSSH server for the SFTP remote tests: `sshd` from Debian's `openssh-server`, run with
 * its own config on a free port of 127.0.0.1 (UsePAM no, StrictModes no, internal-sftp), with a
 * generated host key and client keys. Install: `apt-get install -y openssh-server` (.ci/run does).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, chmodSync, chownSync, rmSync, existsSync, realpathSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './free-port.js';

/** Where Debian installs the daemon (sshd must be started by absolute path). */
export const SSHD_PATH = '/usr/sbin/sshd';

/** The system user the password-auth tests log in as (created on demand, root only). */
export const SSH_PASSWORD_USER = 'momo-sftp-test';
/** Its password: a test fixture, valid only for this user, which has no shell and no home. */
export const SSH_PASSWORD = 'momo-Test-Passw0rd';

/** A running sshd. */
export interface SshdServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The user key auth logs in as (the current user). */
  readonly user: string;
  /** Private key (ed25519, no passphrase) authorised for every user. */
  readonly keyfile: string;
  /** Private key encrypted with {@link SshdServer.passphrase}, also authorised. */
  readonly encryptedKeyfile: string;
  readonly passphrase: string;
  /** A key that is *not* authorised. */
  readonly unauthorisedKeyfile: string;
  /** The server's host public key, `ssh-ed25519 AAAA…`. */
  readonly hostPublicKey: string;
  /** A known_hosts file holding `[127.0.0.1]:<port> <host key>`. */
  readonly knownHostsFile: string;
  /** An empty directory, writable by {@link SshdServer.user}, to use as a remote root. */
  readonly root: string;
  /** Present when started with `passwordUser: true`. */
  readonly password?: { user: string; password: string; root: string };
  /** `ssh://<user>@127.0.0.1:<port><root>` (plus `sub`). */
  url(sub?: string): string;
  /** Kills the per-connection sshd processes, dropping every client connection (the daemon stays). */
  dropConnections(): number;
  /** Stops the daemon and removes its files. */
  stop(): Promise<void>;
}

/** Options of {@link startSshd}. */
export interface StartSshdOptions {
  /** Also allow password logins of {@link SSH_PASSWORD_USER} (creates that user; needs root). */
  passwordUser?: boolean;
  /** sshd's MaxSessions (SFTP channels per connection). @default 32 */
  maxSessions?: number;
}

/** Generates an ed25519 key pair with ssh-keygen and returns the private key path. */
export function generateSshKey(dir: string, name: string, passphrase = ''): string {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '2', '-N', passphrase, '-C', `momo-test-${name}`, '-f', file], { stdio: 'ignore' });
  return file;
}

function ensurePasswordUser(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(`startSshd({ passwordUser: true }) needs root to create the user '${SSH_PASSWORD_USER}'`);
  }
  const exists = () => {
    try {
      execFileSync('getent', ['passwd', SSH_PASSWORD_USER], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (!exists()) {
    try {
      execFileSync('useradd', ['--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', SSH_PASSWORD_USER], { stdio: 'ignore' });
    } catch (e) {
      // Another test process may have created it at the same moment.
      if (!exists()) throw e;
    }
  }
  execFileSync('chpasswd', { input: `${SSH_PASSWORD_USER}:${SSH_PASSWORD}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
}

function uidOf(user: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Starts sshd on a free loopback port and waits until it accepts connections.
 * Throws with the install command when openssh-server is missing (tests never skip).
 */
export async function startSshd(options: StartSshdOptions = {}): Promise<SshdServer> {
  if (!existsSync(SSHD_PATH)) {
    throw new Error(`${SSHD_PATH} is missing: install it with \`apt-get install -y openssh-server\``);
  }
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'momo-sshd-')));
  const root = join(dir, 'data');
  mkdirSync(root);
  const hostKey = generateSshKey(dir, 'host_ed25519');
  const keyfile = generateSshKey(dir, 'client_ed25519');
  const passphrase = 'momo-key-passphrase';
  const encryptedKeyfile = generateSshKey(dir, 'client_encrypted', passphrase);
  const unauthorisedKeyfile = generateSshKey(dir, 'client_unauthorised');
  writeFileSync(join(dir, 'authorized_keys'), [keyfile, encryptedKeyfile].map((k) => readFileSync(`${k}.pub`, 'utf8')).join(''));
  const hostPublicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');

  let password: SshdServer['password'];
  if (options.passwordUser) {
    ensurePasswordUser();
    // The password user must traverse to its root: a separate world-traversable temp dir.
    const pwBase = realpathSync(mkdtempSync(join(tmpdir(), 'momo-sshd-pw-')));
    chmodSync(pwBase, 0o755);
    const pwRoot = join(pwBase, 'data');
    mkdirSync(pwRoot);
    const { uid, gid } = uidOf(SSH_PASSWORD_USER);
    chownSync(pwRoot, uid, gid);
    password = { user: SSH_PASSWORD_USER, password: SSH_PASSWORD, root: pwRoot };
  }

  const isRoot = process.getuid?.() === 0;
  if (isRoot) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  let child: ChildProcess | undefined;
  let port = 0;
  let stderr = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    port = await freePort();
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'UsePAM no',
      'StrictModes no',
      'PubkeyAuthentication yes',
      `PasswordAuthentication ${options.passwordUser ? 'yes' : 'no'}`,
      'KbdInteractiveAuthentication no',
      'PermitRootLogin yes',
      'Subsystem sftp internal-sftp',
      `MaxSessions ${options.maxSessions ?? 32}`,
      'MaxStartups 64:30:128',
      'LogLevel ERROR',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'sshd_config'), config);
    stderr = '';
    const proc = spawn(SSHD_PATH, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let exited = false;
    proc.once('exit', () => {
      exited = true;
    });
    try {
      await waitForPort(port, 10_000, () => !exited);
      child = proc;
      break;
    } catch (e) {
      proc.kill('SIGKILL');
      if (!/Address already in use/.test(stderr) || attempt === 4) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`sshd did not start: ${(e as Error).message}\n${stderr}`);
      }
    }
  }
  const proc = child!;
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);

  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostPublicKey}\n`);
  const user = userInfo().username;

  return {
    host: '127.0.0.1',
    port,
    user,
    keyfile,
    encryptedKeyfile,
    passphrase,
    unauthorisedKeyfile,
    hostPublicKey,
    knownHostsFile,
    root,
    password,
    url: (sub = '') => `ssh://${user}@127.0.0.1:${port}${root}${sub ? `/${sub}` : ''}`,
    dropConnections: () => {
      let pids: number[] = [];
      try {
        pids = execFileSync('pgrep', ['-P', String(proc.pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
      } catch {
        // pgrep exits 1 when the daemon has no connection processes
      }
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      return pids.length;
    },
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (proc.exitCode === null && proc.signalCode === null) {
        const done = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
      if (password) rmSync(join(password.root, '..'), { recursive: true, force: true });
    },
  };
}
