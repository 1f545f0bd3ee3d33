/**
 * A small real HTTP server for the HTTP remote tests: serves a directory with GET/HEAD and, like the
 * servers DVC's `http` remote can upload to, accepts POST/PUT of whole objects (written to a temp
 * file and renamed, so readers never see a partial one). Optional basic, digest or custom-header
 * auth, and injected failures (`failNext`) to exercise retries. Listens on a free port of 127.0.0.1.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, renameSync, statSync, unlinkSync, mkdtempSync, rmSync, realpathSync, readFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, dirname, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Auth the server demands. */
export type HttpServerAuth =
  | { type: 'basic'; user: string; password: string }
  | { type: 'digest'; user: string; password: string; realm?: string }
  | { type: 'custom'; header: string; value: string };

/** Options of {@link startHttpServer}. */
export interface StartHttpServerOptions {
  /** Directory to serve. @default a fresh temp dir (removed on stop) */
  root?: string;
  /** Methods that upload an object; `[]` makes the server read-only (405). @default ['POST', 'PUT'] */
  writeMethods?: Array<'POST' | 'PUT'>;
  auth?: HttpServerAuth;
  /** Answer HEAD with 405, as some static servers do (clients must fall back to GET). */
  rejectHead?: boolean;
  /** Serve HTTPS with a fresh self-signed certificate for 127.0.0.1 (made with `openssl`). */
  tls?: boolean;
}

/** One request the server saw. */
export interface HttpRequestLog {
  method: string;
  path: string;
  status: number;
}

/** A running HTTP server. */
export interface HttpTestServer {
  /** `http://127.0.0.1:<port>` (or `https://…` with `tls`) */
  readonly url: string;
  /** With `tls`: the self-signed certificate, usable as a CA bundle (`ssl_verify = <path>`). */
  readonly caFile?: string;
  readonly port: number;
  /** The served directory: `<root>/<path>` is the object at `<url>/<path>`. */
  readonly root: string;
  /** Every request, in order. */
  readonly requests: HttpRequestLog[];
  /** TCP connections accepted so far (keep-alive keeps this low). */
  connections(): number;
  /** The next `count` requests fail with `status` (default 503) before touching the disk. */
  failNext(count: number, status?: number): void;
  stop(): Promise<void>;
}

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

/** Parses `key="value", key2=value2` auth parameters. */
function parseAuthParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) out[m[1].toLowerCase()] = m[2] ?? m[3];
  return out;
}

function authorised(req: IncomingMessage, auth: HttpServerAuth, nonce: string, realm: string): boolean {
  const header = req.headers.authorization ?? '';
  if (auth.type === 'custom') return req.headers[auth.header.toLowerCase()] === auth.value;
  if (auth.type === 'basic') return header === `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
  if (!header.startsWith('Digest ')) return false;
  const p = parseAuthParams(header.slice(7));
  if (p.username !== auth.user || p.realm !== realm || p.nonce !== nonce || p.uri !== req.url) return false;
  const ha1 = md5(`${auth.user}:${realm}:${auth.password}`);
  const ha2 = md5(`${req.method}:${p.uri}`);
  const expected = p.qop ? md5(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
  return p.response === expected;
}

/** Starts the server and resolves once it listens. */
export async function startHttpServer(options: StartHttpServerOptions = {}): Promise<HttpTestServer> {
  const ownRoot = options.root === undefined;
  const root = realpathSync(options.root ?? mkdtempSync(join(tmpdir(), 'momo-http-')));
  const writeMethods = new Set<string>(options.writeMethods ?? ['POST', 'PUT']);
  const requests: HttpRequestLog[] = [];
  let connections = 0;
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  const nonce = randomBytes(16).toString('hex');
  const realm = options.auth?.type === 'digest' ? (options.auth.realm ?? 'momo-test') : 'momo-test';

  const finish = (req: IncomingMessage, res: ServerResponse, status: number, body?: string) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', status });
    res.statusCode = status;
    // An explicit length keeps the connection reusable (HEAD answers included).
    if (!res.hasHeader('Content-Length')) res.setHeader('Content-Length', Buffer.byteLength(body ?? ''));
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (failures.count > 0) {
      failures.count--;
      req.resume();
      return finish(req, res, failures.status, 'injected failure\n');
    }
    if (options.auth && !authorised(req, options.auth, nonce, realm)) {
      if (options.auth.type === 'basic') res.setHeader('WWW-Authenticate', `Basic realm="${realm}"`);
      if (options.auth.type === 'digest') res.setHeader('WWW-Authenticate', `Digest realm="${realm}", qop="auth", nonce="${nonce}", opaque="${md5(realm)}", algorithm=MD5`);
      req.resume();
      return finish(req, res, 401, 'unauthorised\n');
    }
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return finish(req, res, 400);
    }
    const file = normalize(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) return finish(req, res, 403);
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') {
      if (method === 'HEAD' && options.rejectHead) return finish(req, res, 405);
      const st = statSync(file, { throwIfNoEntry: false });
      if (!st?.isFile()) return finish(req, res, 404, method === 'GET' ? 'not found\n' : undefined);
      res.setHeader('Content-Length', st.size);
      res.setHeader('Content-Type', 'application/octet-stream');
      if (method === 'HEAD') return finish(req, res, 200);
      requests.push({ method, path: req.url ?? '', status: 200 });
      res.statusCode = 200;
      await pipeline(createReadStream(file), res);
      return;
    }
    if (method === 'POST' || method === 'PUT') {
      if (!writeMethods.has(method)) {
        req.resume();
        res.setHeader('Allow', ['GET', 'HEAD', ...writeMethods].join(', '));
        return finish(req, res, 405);
      }
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(8).toString('hex')}.upload`;
      try {
        await pipeline(req, createWriteStream(tmp));
        renameSync(tmp, file);
      } catch {
        try {
          unlinkSync(tmp);
        } catch {
          // the temp file was never created
        }
        return finish(req, res, 500);
      }
      return finish(req, res, 201);
    }
    req.resume();
    return finish(req, res, 405);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) finish(req, res, 500);
      else res.destroy();
    });
  };
  let tlsDir: string | undefined;
  let caFile: string | undefined;
  let server;
  if (options.tls) {
    tlsDir = mkdtempSync(join(tmpdir(), 'momo-https-'));
    caFile = join(tlsDir, 'cert.pem');
    const keyFile = join(tlsDir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', caFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    server = createTlsServer({ key: readFileSync(keyFile), cert: readFileSync(caFile) }, onRequest);
  } else {
    server = createServer(onRequest);
  }
  server.on(options.tls ? 'secureConnection' : 'connection', () => connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    caFile,
    port,
    root,
    requests,
    connections: () => connections,
    failNext: (count, status = 503) => {
      failures = { count, status };
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownRoot) rmSync(root, { recursive: true, force: true });
      if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
    },
  };
}
