/**
 * A real S3-compatible server for the S3 remote tests: Versity Gateway (versitygw, Apache-2.0, Go)
 * with its POSIX backend on a temp dir. It verifies SigV4 signatures (a wrong secret gets
 * `SignatureDoesNotMatch`), supports multipart uploads and ListObjectsV2, and starts in ~50 ms.
 *
 * The binary is built once per machine by `libs/momo-remotes/scripts/install-test-servers.sh`
 * (`go install github.com/versity/versitygw/cmd/versitygw@v1.8.0`, ~2.5 min cold) into
 * `~/.cache/momo-tools/versitygw-v1.8.0/`; `.ci/run` calls that script.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, realpathSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, delimiter } from 'node:path';
import { freePort, waitForPort } from './free-port.js';

/** The versitygw release the tests use. */
export const VERSITYGW_VERSION = 'v1.8.0';

/** Where the install script puts the binary. */
export function versitygwDefaultPath(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'momo-tools', `versitygw-${VERSITYGW_VERSION}`, 'versitygw');
}

/** `$MOMO_VERSITYGW`, the cached build, or `versitygw` on PATH; throws how to install it otherwise. */
export function findVersitygw(): string {
  const candidates = [process.env.MOMO_VERSITYGW, versitygwDefaultPath(), ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'versitygw'))];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(
    `the S3 test server (versitygw ${VERSITYGW_VERSION}) is not installed; build it with\n` +
      '  bash libs/momo-remotes/scripts/install-test-servers.sh\n' +
      `(needs Go; it runs \`go install github.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION}\`)`,
  );
}

/** A running S3 server. */
export interface S3Server {
  /** `http://127.0.0.1:<port>` (`https://…` with `tls`) */
  readonly endpoint: string;
  /** With `tls`: the self-signed certificate, usable as a CA bundle. */
  readonly caFile?: string;
  readonly port: number;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** A bucket that exists (created as a directory of the POSIX backend). */
  readonly bucket: string;
  /** The POSIX backend root: `<dataDir>/<bucket>/<key>` is an object's file. */
  readonly dataDir: string;
  /** Creates another empty bucket. */
  createBucket(name: string): void;
  stop(): Promise<void>;
}

/** Options of {@link startS3Server}. */
export interface StartS3ServerOptions {
  bucket?: string;
  region?: string;
  /** Serve HTTPS with a fresh self-signed certificate for 127.0.0.1 (made with `openssl`). */
  tls?: boolean;
}

/** Starts versitygw on a free loopback port with fresh root credentials and one bucket. */
export async function startS3Server(options: StartS3ServerOptions = {}): Promise<S3Server> {
  const bin = findVersitygw();
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'momo-s3-')));
  const dataDir = join(dir, 'data');
  const metaDir = join(dir, 'meta');
  mkdirSync(dataDir);
  mkdirSync(metaDir);
  const bucket = options.bucket ?? 'momo-test';
  mkdirSync(join(dataDir, bucket));
  const region = options.region ?? 'us-east-1';
  const accessKeyId = `MOMO${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
  const secretAccessKey = `secret-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const tlsArgs: string[] = [];
  let caFile: string | undefined;
  if (options.tls) {
    caFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', caFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    tlsArgs.push('--cert', caFile, '--key', keyFile);
  }

  let proc: ChildProcess | undefined;
  let port = 0;
  let output = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    port = await freePort();
    output = '';
    const p = spawn(
      bin,
      ['--access', accessKeyId, '--secret', secretAccessKey, '--region', region, '--port', `127.0.0.1:${port}`, ...tlsArgs, '--keep-alive', '--quiet', 'posix', dataDir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    p.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    let exited = false;
    p.once('exit', () => (exited = true));
    try {
      await waitForPort(port, 15_000, () => !exited);
      proc = p;
      break;
    } catch (e) {
      p.kill('SIGKILL');
      if (!/address already in use/i.test(output) || attempt === 4) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`versitygw did not start: ${(e as Error).message}\n${output}`);
      }
    }
  }
  const child = proc!;
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    endpoint: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    caFile,
    port,
    region,
    accessKeyId,
    secretAccessKey,
    bucket,
    dataDir,
    createBucket: (name) => mkdirSync(join(dataDir, name), { recursive: true }),
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const done = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
