/**
 * The app's local HTTP server. It binds 127.0.0.1 only (never configurable), answers only
 * requests whose Host is this loopback origin (no DNS rebinding), and its API wants the per-run
 * token embedded in the page in an `x-momo-token` header (a cross-site page cannot send it
 * without a preflight, which is never granted). Responses are `no-store`, so the browser keeps
 * no copy of user content on disk. Logs name the method and route only: never a query, a
 * path the user added or any content.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { isMomoError } from '@momo/errors';
import type { CoreKb } from './core-kb.js';
import type { UserKb } from './user-kb/user-kb.js';
import { searchBoth } from './search-both.js';
import { renderPage } from './web-page.js';
import { blockedConnections } from './network-guard.js';

/** Options of {@link startServer}. */
export interface StartServerOptions {
  core: CoreKb;
  user: UserKb;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** one line per request (method + route) and per error; default: nothing */
  log?: (line: string) => void;
}

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      reject(new HttpError(415, 'expected application/json'));
      return;
    }
    const parts: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > MAX_BODY) {
        reject(new HttpError(413, 'request too large'));
        req.destroy();
      } else parts.push(c);
    });
    req.on('end', () => {
      try {
        const v = JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
        resolve(v as Record<string, unknown>);
      } catch {
        reject(new HttpError(400, 'malformed JSON body'));
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    ...extra,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

/** The one-line status shown at the top of the page. */
export function statusLabel(core: CoreKb, user: UserKb): string {
  const m = core.manifest;
  return `Core KB (frozen): ${m.source.rev} @ ${m.source.commit.slice(0, 12)}, ${core.files} files verified · Your KB: ${user.list().length} sources, ${user.size} pieces, encrypted · offline`;
}

/** Starts the server on 127.0.0.1. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { core, user } = options;
  const token = randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const log = options.log ?? (() => {});
  let port = 0;
  // writes are serialised: each one seals and renames the vault before the next starts
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = String(req.headers.host ?? '');
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) throw new HttpError(421, 'wrong host');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const route = url.pathname;
    if (req.method === 'GET' && route === '/') {
      const nonce = randomBytes(16).toString('base64');
      send(res, 200, renderPage({ token, nonce, coreLabel: statusLabel(core, user) }), 'text/html; charset=utf-8', {
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        'x-frame-options': 'DENY',
      });
      return;
    }
    if (route === '/favicon.ico') {
      send(res, 204, '', 'text/plain');
      return;
    }
    if (!route.startsWith('/api/')) throw new HttpError(404, 'not found');
    const given = Buffer.from(String(req.headers['x-momo-token'] ?? ''));
    if (given.length !== tokenBuf.length || !timingSafeEqual(given, tokenBuf)) throw new HttpError(403, 'missing or wrong x-momo-token');

    if (req.method === 'GET' && route === '/api/status') {
      sendJson(res, 200, {
        label: statusLabel(core, user),
        core: { rev: core.manifest.source.rev, commit: core.manifest.source.commit, files: core.files, momo_version: core.manifest.momo_version },
        user: { sources: user.list(), pieces: user.size },
        blockedConnections: blockedConnections().length,
      });
      return;
    }
    if (req.method === 'POST' && route === '/api/search') {
      const body = await readJson(req);
      if (typeof body.query !== 'string') throw new HttpError(400, '`query` must be a string');
      const limit = typeof body.limit === 'number' && body.limit >= 1 && body.limit <= 100 ? Math.floor(body.limit) : 10;
      sendJson(res, 200, { hits: await searchBoth({ core: core.kb, user, query: body.query, limit }) });
      return;
    }
    if (req.method === 'POST' && route === '/api/notes') {
      const body = await readJson(req);
      if (typeof body.text !== 'string') throw new HttpError(400, '`text` must be a string');
      const r = await serial(() => user.addNote({ title: typeof body.title === 'string' ? body.title : '', text: body.text as string }));
      sendJson(res, 200, r);
      return;
    }
    if (req.method === 'POST' && route === '/api/paths') {
      const body = await readJson(req);
      if (typeof body.path !== 'string' || !body.path.trim()) throw new HttpError(400, '`path` must be a non-empty string');
      const r = await serial(() => user.addPath(String(body.path).trim()));
      sendJson(res, 200, { source: r.source, skipped: r.skipped.length });
      return;
    }
    if (req.method === 'GET' && route === '/api/sources') {
      sendJson(res, 200, { sources: user.list() });
      return;
    }
    const del = /^\/api\/sources\/([0-9a-f]{8})$/.exec(route);
    if (req.method === 'DELETE' && del) {
      const removed = await serial(() => user.remove(del[1]));
      sendJson(res, 200, { removed });
      return;
    }
    throw new HttpError(404, 'not found');
  };

  const server = createServer((req, res) => {
    const route = (req.url ?? '/').split('?')[0];
    handle(req, res).then(
      () => log(`${req.method} ${route.replace(/\/api\/sources\/.*/, '/api/sources/:id')} ${res.statusCode}`),
      (e: unknown) => {
        const status = e instanceof HttpError ? e.status : isMomoError(e) ? (e.code === 'CORE_PATH_NOT_FOUND' || e.code === 'CORE_SOURCE_NOT_FOUND' ? 404 : 400) : 500;
        // the message of a MomoError names the problem; an unexpected error's text stays in memory
        const message = e instanceof HttpError ? e.message : isMomoError(e) ? e.message : 'internal error';
        log(`${req.method} ${route.startsWith('/api/sources/') ? '/api/sources/:id' : route} ${status}${isMomoError(e) ? ` ${e.code}` : ''}`);
        if (!res.headersSent) sendJson(res, status, { error: message, ...(isMomoError(e) ? { code: e.code, hint: e.hint } : {}) });
        else res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: options.port ?? 0 }, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
