import { readFileSync, createReadStream } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isMomoError, type MomoError } from '@momo/errors';
import { BaseRemote, type RemoteOp } from '../base-remote.js';
import { remoteError, describeCause, isTlsError, UNREACHABLE_ERRNOS, TRANSIENT_ERRNOS } from '../errors.js';
import { progressTap, type ProgressCounter } from '../progress.js';
import type { RetryOptions } from '../retry.js';
import type { RemoteCapabilities, RemoteStat } from '../remote.js';

/** Options of {@link createHttpRemote}; the DVC keys come from the remote's config section. */
export interface HttpRemoteOptions {
  /** `http(s)://host[:port]/path` */
  url: string;
  /** DVC `auth`. */
  auth?: 'basic' | 'digest' | 'custom';
  /** DVC `custom_auth_header`: the header that carries `password` for `auth = custom`. */
  customAuthHeader?: string;
  /** DVC `user`. */
  user?: string;
  /** DVC `password`. */
  password?: string;
  /** DVC `ask_password`: call `askSecret` when no password is set. */
  askPassword?: boolean;
  /** Prompts the user (injected by the CLI). */
  askSecret?: (prompt: string) => Promise<string>;
  /** DVC `ssl_verify`: false, or a CA bundle path. @default true */
  sslVerify?: boolean | string;
  /** DVC `method`: the upload method. @default 'POST' */
  method?: 'POST' | 'PUT';
  /** DVC `connect_timeout`, seconds. @default 60 */
  connectTimeout?: number;
  /** DVC `read_timeout`, seconds (socket idle time). @default 60 */
  readTimeout?: number;
  /** Parallelism of batch calls and the socket pool size. @default 32 */
  jobs?: number;
  retry?: RetryOptions;
  /** Remote name, for messages. */
  name?: string;
}

/** An HTTP answer whose status was not what the operation wanted. */
class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly target: string,
  ) {
    super(`${method} ${target} answered ${status}`);
  }
}

interface DigestChallenge {
  realm: string;
  nonce: string;
  qop?: string;
  opaque?: string;
  algorithm?: string;
  nc: number;
}

const MAX_REDIRECTS = 5;
const SMALL_UPLOAD = 4 * 1024 * 1024;

/**
 * The HTTP driver (DVC's `http://`/`https://` remotes): GET to read, HEAD (falling back to GET)
 * to check existence, and uploads with the configured method (POST by default, as `dvc-http`). HTTP
 * remotes cannot list or delete, as in DVC. Sockets are kept alive and pooled (`jobs` of them).
 */
export class HttpRemote extends BaseRemote {
  readonly scheme: 'http' | 'https';
  readonly capabilities: RemoteCapabilities = {
    list: false,
    write: true,
    delete: false,
    batchExists: true,
    traversePrefixLength: 0,
    protectsObjects: false,
  };
  private readonly options: HttpRemoteOptions;
  private readonly base: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private headGet = false;
  private digest: DigestChallenge | null = null;
  private password: Promise<string | undefined> | null = null;

  constructor(options: HttpRemoteOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch (e) {
      throw remoteError('http', 'REMOTE_URL_INVALID', `cannot parse the remote URL '${options.url}'`, { hint: 'HTTP remote URLs look like https://example.com/dvc-storage', cause: e });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw remoteError('http', 'REMOTE_URL_INVALID', `'${options.url}' is not an http(s):// URL`, { hint: 'HTTP remote URLs look like https://example.com/dvc-storage' });
    }
    super({ url: options.url, jobs: options.jobs ?? 32, retry: options.retry, name: options.name });
    this.options = options;
    this.base = base;
    this.scheme = base.protocol === 'https:' ? 'https' : 'http';
    const agentOptions = { keepAlive: true, maxSockets: Math.max(this.jobs, 8), timeout: (options.readTimeout ?? 60) * 1000 };
    this.agent =
      this.scheme === 'https'
        ? new HttpsAgent({ ...agentOptions, rejectUnauthorized: options.sslVerify !== false, ca: typeof options.sslVerify === 'string' ? readFileSync(options.sslVerify) : undefined })
        : new HttpAgent(agentOptions);
    if (options.auth === 'custom' && !options.customAuthHeader) {
      throw remoteError(this.scheme, 'REMOTE_CONFIG_INVALID', `remote ${this.describe()} uses auth = custom without custom_auth_header`, {
        hint: `set it with \`dvc remote modify ${options.name ?? '<name>'} custom_auth_header <Header-Name>\``,
      });
    }
  }

  /** The absolute URL of an object. */
  objectUrl(path: string): URL {
    const u = new URL(this.base.href);
    const basePath = u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`;
    u.pathname = basePath + path.split('/').map(encodeURIComponent).join('/');
    return u;
  }

  private secret(): Promise<string | undefined> {
    this.password ??= (async () => {
      const o = this.options;
      if (o.password !== undefined || !o.askPassword || !o.askSecret) return o.password;
      return o.askSecret(`Enter a password for host '${this.base.host}' user '${o.user ?? ''}':`);
    })();
    return this.password;
  }

  private async authHeaders(method: string, url: URL): Promise<Record<string, string>> {
    const o = this.options;
    if (!o.auth) return {};
    const password = await this.secret();
    if (o.auth === 'custom') return password === undefined ? {} : { [o.customAuthHeader!]: password };
    if (o.user === undefined || password === undefined) {
      throw remoteError(this.scheme, 'REMOTE_AUTH_FAILED', `remote ${this.describe()} uses auth = ${o.auth} but user or password is not set`, {
        hint: `set them with \`dvc remote modify --local ${this.name ?? '<name>'} user …\` and \`… password …\``,
      });
    }
    if (o.auth === 'basic') return { authorization: `Basic ${Buffer.from(`${o.user}:${password}`).toString('base64')}` };
    if (!this.digest) return {};
    const d = this.digest;
    const uri = url.pathname + url.search;
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const ha1 = md5(`${o.user}:${d.realm}:${password}`);
    const ha2 = md5(`${method}:${uri}`);
    const nc = (++d.nc).toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    const qop = d.qop?.split(',').map((q) => q.trim()).includes('auth') ? 'auth' : undefined;
    const response = qop ? md5(`${ha1}:${d.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${d.nonce}:${ha2}`);
    const parts = [`username="${o.user}"`, `realm="${d.realm}"`, `nonce="${d.nonce}"`, `uri="${uri}"`, `response="${response}"`, 'algorithm=MD5'];
    if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
    if (d.opaque) parts.push(`opaque="${d.opaque}"`);
    return { authorization: `Digest ${parts.join(', ')}` };
  }

  /** Remembers a digest challenge from a 401; true when there is one to answer. */
  private learnDigest(res: IncomingMessage): boolean {
    const header = res.headers['www-authenticate'];
    const value = Array.isArray(header) ? header.find((h) => h.startsWith('Digest ')) : header;
    if (this.options.auth !== 'digest' || !value?.startsWith('Digest ')) return false;
    const p: Record<string, string> = {};
    for (const m of value.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) p[m[1].toLowerCase()] = m[2] ?? m[3];
    const fresh = !this.digest || this.digest.nonce !== p.nonce;
    this.digest = { realm: p.realm ?? '', nonce: p.nonce ?? '', qop: p.qop, opaque: p.opaque, algorithm: p.algorithm, nc: 0 };
    return fresh;
  }

  /** One request; follows redirects for GET/HEAD and answers a digest challenge once. */
  private async request(method: string, url: URL, body?: Buffer | Readable, size?: number, redirects = 0, signal?: AbortSignal): Promise<IncomingMessage> {
    const headers: Record<string, string> = { ...(await this.authHeaders(method, url)), 'user-agent': 'momo' };
    if (body !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);
      else if (size !== undefined) headers['content-length'] = String(size);
    }
    const send = this.scheme === 'https' ? httpsRequest : httpRequest;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method, headers, agent: this.agent, signal, timeout: (this.options.connectTimeout ?? 60) * 1000 }, resolve);
      req.setNoDelay(true);
      req.on('error', reject);
      req.on('timeout', () => req.destroy(Object.assign(new Error(`timed out after ${this.options.connectTimeout ?? 60} s`), { code: 'ETIMEDOUT' })));
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else pipeline(body, req).catch((e) => req.destroy(e));
    });
    const status = res.statusCode ?? 0;
    if (status === 401 && this.learnDigest(res) && (body === undefined || Buffer.isBuffer(body))) {
      res.resume();
      return this.request(method, url, body, size, redirects, signal);
    }
    if ([301, 302, 303, 307, 308].includes(status) && (method === 'GET' || method === 'HEAD') && res.headers.location && redirects < MAX_REDIRECTS) {
      res.resume();
      return this.request(method, new URL(res.headers.location, url), undefined, undefined, redirects + 1, signal);
    }
    return res;
  }

  /** Before streaming a body with digest auth, fetch the challenge (a stream cannot be resent). */
  private async primeDigest(url: URL): Promise<void> {
    if (this.options.auth !== 'digest' || this.digest) return;
    const res = await this.request('HEAD', url);
    res.resume();
  }

  // ---- error hooks ----------------------------------------------------------------------

  protected isTransient(error: unknown): boolean {
    if (error instanceof HttpStatusError) return error.status >= 500 || error.status === 429 || error.status === 408;
    const code = (error as NodeJS.ErrnoException)?.code;
    return code !== undefined && TRANSIENT_ERRNOS.has(code);
  }

  protected translate(error: unknown, op: RemoteOp, path: string | undefined): MomoError {
    if (isMomoError(error)) return error;
    const at = `${op}${path ? ` '${path}'` : ''}`;
    if (error instanceof HttpStatusError) {
      const s = error.status;
      if (s === 404 && path && op !== 'write' && op !== 'upload') return this.missing(path, error);
      if (s === 401) {
        return remoteError(this.scheme, 'REMOTE_AUTH_FAILED', `the server rejected the credentials of remote ${this.describe()} (401) during ${at}`, {
          hint: `set auth, user and password with \`dvc remote modify --local ${this.name ?? '<name>'} …\` (--local keeps secrets in .dvc/config.local)`,
          data: { op, path, status: s },
          cause: error,
        });
      }
      if (s === 403) {
        return remoteError(this.scheme, 'REMOTE_PERMISSION_DENIED', `the server forbids ${at} on remote ${this.describe()} (403)`, {
          hint: 'check the credentials and the server permissions',
          data: { op, path, status: s },
          cause: error,
        });
      }
      if ((s === 405 || s === 501) && (op === 'write' || op === 'upload')) {
        return remoteError(this.scheme, 'REMOTE_OPERATION_UNSUPPORTED', `the server of remote ${this.describe()} does not accept ${error.method} uploads (${s})`, {
          hint: `if it accepts another method, set it with \`dvc remote modify ${this.name ?? '<name>'} method PUT\`; otherwise push to a writable remote`,
          data: { op, path, status: s, method: error.method },
          cause: error,
        });
      }
      return remoteError(this.scheme, 'REMOTE_TRANSFER_FAILED', `${at} failed on remote ${this.describe()}: HTTP ${s}`, {
        hint: s >= 500 ? 'the server failed (after retries); try again later' : 'check the remote URL and the server',
        data: { op, path, status: s },
        cause: error,
      });
    }
    const code = (error as NodeJS.ErrnoException)?.code ?? '';
    if (UNREACHABLE_ERRNOS.has(code) || isTlsError(code)) {
      const what = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `unknown host '${this.base.hostname}'` : isTlsError(code) ? `TLS verification of ${this.base.host} failed (${code})` : `cannot connect to ${this.base.host} (${describeCause(error)})`;
      return remoteError(this.scheme, 'REMOTE_UNREACHABLE', `${what} for remote ${this.describe()}`, {
        hint: isTlsError(code) ? `point ssl_verify at the CA bundle with \`dvc remote modify ${this.name ?? '<name>'} ssl_verify <path>\`` : 'check the URL and the network',
        data: { op, path, code },
        cause: error,
      });
    }
    return this.failed(op, path, error);
  }

  // ---- primitives -----------------------------------------------------------------------

  protected async doStat(path: string): Promise<RemoteStat | null> {
    const url = this.objectUrl(path);
    let res = this.headGet ? undefined : await this.request('HEAD', url);
    if (res && (res.statusCode === 405 || res.statusCode === 501)) {
      // Some static servers refuse HEAD: use GET (what dvc-http's exists does) from now on.
      res.resume();
      this.headGet = true;
      res = undefined;
    }
    const method = res ? 'HEAD' : 'GET';
    res ??= await this.request('GET', url);
    res.resume();
    const s = res.statusCode ?? 0;
    if (s === 404 || s === 410) return null;
    if (s >= 400) throw new HttpStatusError(s, method, url.pathname);
    const len = Number(res.headers['content-length']);
    return { size: Number.isFinite(len) ? len : 0, mode: undefined };
  }

  protected doList(): AsyncIterable<string> {
    throw this.unsupported('listing');
  }

  protected async doRead(path: string, signal: AbortSignal | undefined): Promise<{ stream: Readable; size: number | undefined }> {
    const url = this.objectUrl(path);
    const res = await this.request('GET', url, undefined, undefined, 0, signal);
    const s = res.statusCode ?? 0;
    if (s !== 200) {
      res.resume();
      throw new HttpStatusError(s, 'GET', url.pathname);
    }
    const len = Number(res.headers['content-length']);
    return { stream: res, size: Number.isFinite(len) ? len : undefined };
  }

  protected async doWrite(path: string, source: Buffer | Readable, size: number | undefined, counter: ProgressCounter, signal: AbortSignal | undefined): Promise<void> {
    const url = this.objectUrl(path);
    const method = this.options.method ?? 'POST';
    await this.primeDigest(url);
    const body = Buffer.isBuffer(source) ? source : source.pipe(progressTap(counter));
    if (!Buffer.isBuffer(source)) source.on('error', (e) => (body as Readable).destroy(e));
    const res = await this.request(method, url, body, size, 0, signal);
    const s = res.statusCode ?? 0;
    res.resume();
    if (s < 200 || s >= 300) throw new HttpStatusError(s, method, url.pathname);
    if (Buffer.isBuffer(source)) counter.add(source.length);
  }

  protected override async doUpload(fromFile: string, path: string, size: number, counter: ProgressCounter, signal: AbortSignal | undefined): Promise<void> {
    // Small files go as one buffer: one write, and retry-safe.
    const source = size <= SMALL_UPLOAD ? readFileSync(fromFile) : createReadStream(fromFile);
    await this.doWrite(path, source, size, counter, signal);
  }

  protected async doDelete(): Promise<void> {
    throw this.unsupported('deleting');
  }

  protected async doClose(): Promise<void> {
    this.agent.destroy();
  }
}

/** Creates the HTTP(S) driver. */
export function createHttpRemote(options: HttpRemoteOptions): HttpRemote {
  return new HttpRemote(options);
}
