/**
 * Deployed mode is local-only: nothing may open an outbound connection (no model download, no
 * telemetry, no update check). This guard, installed first thing at start, makes any attempt fail
 * loudly instead of silently reaching the network:
 * - `net.Socket.prototype.connect` (and so `net.connect`, `tls.connect`, `http(s).request`,
 *   `fetch`/undici, `http2.connect`) to anything but loopback or a Unix socket throws
 *   NETWORK_BLOCKED and prints one line to stderr;
 * - `dgram` sends/connects to non-loopback addresses are refused the same way;
 * - `dns.lookup`/`dns.resolve*` (callback and promise forms) of a name other than `localhost` are
 *   refused, so no resolver packet leaves the machine either.
 * The only exception is a host the user names explicitly for `backup`/`restore`
 * ({@link allowHost}). Worker threads have their own module instances: the app's workers (the
 * KB's parsers) open no sockets.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { isIP } from 'node:net';
import { coreError } from './errors.js';

const require = createRequire(import.meta.url);

interface GuardState {
  installed: boolean;
  allowed: Set<string>;
  blocked: Array<{ host: string; port?: number; via: string }>;
  log: (line: string) => void;
}

const state: GuardState = { installed: false, allowed: new Set(), blocked: [], log: (l) => process.stderr.write(`${l}\n`) };

/** True for 127.0.0.0/8, ::1, ::ffff:127.x.y.z and the name `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

function permitted(host: string): boolean {
  return isLoopback(host) || state.allowed.has(host.replace(/^\[|\]$/g, '').toLowerCase());
}

function refuse(host: string, port: number | undefined, via: string): never {
  state.blocked.push({ host, port, via });
  const where = port === undefined ? host : `${host}:${port}`;
  state.log(`momo-core: BLOCKED outbound ${via} to ${where} (deployed mode is local-only)`);
  throw coreError('NETWORK_BLOCKED', `deployed mode refused an outbound connection to ${where} (${via})`, {
    hint: 'momo-core never needs the network; only `backup`/`restore` may reach the remote the user names',
    data: { host, port, via },
  });
}

/** The connect target of `socket.connect(...)`'s many signatures: host/port, or a Unix path. */
function targetOf(args: unknown[]): { host?: string; port?: number; path?: string } {
  let a = args[0];
  // net internals call connect with a [options, cb] pair array (normalizeArgs)
  if (Array.isArray(a)) a = a[0];
  if (a && typeof a === 'object') {
    const o = a as { host?: string; port?: number | string; path?: string };
    if (o.path !== undefined) return { path: String(o.path) };
    return { host: o.host ?? 'localhost', port: o.port === undefined ? undefined : Number(o.port) };
  }
  if (typeof a === 'string' && !/^\d+$/.test(a)) return { path: a };
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(a) };
}

/**
 * Installs the guard in this thread (idempotent). Returns a function listing what was blocked.
 * @example
 * installNetworkGuard();
 * net.connect(443, '93.184.216.34'); // throws NETWORK_BLOCKED, logs "momo-core: BLOCKED outbound tcp to 93.184.216.34:443"
 */
export function installNetworkGuard(options: { log?: (line: string) => void } = {}): { blocked: () => GuardState['blocked'] } {
  if (options.log) state.log = options.log;
  if (!state.installed) {
    state.installed = true;
    const net = require('node:net') as typeof import('node:net');
    const origConnect = net.Socket.prototype.connect;
    net.Socket.prototype.connect = function guardedConnect(this: import('node:net').Socket, ...args: unknown[]) {
      const t = targetOf(args);
      if (t.path === undefined && !permitted(t.host!)) refuse(t.host!, t.port, 'tcp');
      return (origConnect as (...a: unknown[]) => import('node:net').Socket).apply(this, args);
    } as typeof origConnect;

    const dgram = require('node:dgram') as typeof import('node:dgram');
    const origSend = dgram.Socket.prototype.send;
    dgram.Socket.prototype.send = function guardedSend(this: import('node:dgram').Socket, ...args: unknown[]) {
      // send(msg, [offset, length,] port, address, cb): the address is the first string after the port
      const address = args.find((x, i) => i > 0 && typeof x === 'string') as string | undefined;
      if (address !== undefined && !permitted(address)) refuse(address, undefined, 'udp');
      return (origSend as (...a: unknown[]) => void).apply(this, args);
    } as typeof origSend;
    const origUdpConnect = dgram.Socket.prototype.connect;
    dgram.Socket.prototype.connect = function guardedUdpConnect(this: import('node:dgram').Socket, ...args: unknown[]) {
      const address = typeof args[1] === 'string' ? args[1] : 'localhost';
      if (!permitted(address)) refuse(address, Number(args[0]), 'udp');
      return (origUdpConnect as (...a: unknown[]) => void).apply(this, args);
    } as typeof origUdpConnect;

    const dns = require('node:dns') as typeof import('node:dns') & Record<string, unknown>;
    const guardName = (name: unknown, via: string) => {
      if (typeof name === 'string' && isIP(name) === 0 && !permitted(name)) refuse(name, undefined, via);
    };
    const origLookup = dns.lookup;
    dns.lookup = function guardedLookup(this: unknown, hostname: string, ...rest: unknown[]) {
      guardName(hostname, 'dns');
      return (origLookup as (...a: unknown[]) => unknown).apply(this, [hostname, ...rest]);
    } as typeof dns.lookup;
    for (const fn of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'resolvePtr', 'resolveNaptr', 'resolveSoa', 'resolveCaa', 'reverse']) {
      const orig = dns[fn] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof orig !== 'function') continue;
      dns[fn] = function guarded(this: unknown, name: unknown, ...rest: unknown[]) {
        guardName(fn === 'reverse' ? 'reverse-lookup' : name, 'dns');
        return orig.apply(this, [name, ...rest]);
      };
    }
    const promises = dns.promises as unknown as Record<string, unknown>;
    for (const fn of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'resolvePtr', 'resolveNaptr', 'resolveSoa', 'resolveCaa', 'reverse']) {
      const orig = promises[fn] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      if (typeof orig !== 'function') continue;
      promises[fn] = async function guarded(this: unknown, name: unknown, ...rest: unknown[]) {
        guardName(fn === 'reverse' ? 'reverse-lookup' : name, 'dns');
        return orig.apply(this, [name, ...rest]);
      };
    }
    // ESM named imports of the builtins (`import { lookup } from 'node:dns'`) see the patched functions
    syncBuiltinESMExports();
  }
  return { blocked: () => [...state.blocked] };
}

/** Lets connections to `host` through (the remote the user named for backup/restore). */
export function allowHost(host: string): void {
  state.allowed.add(host.replace(/^\[|\]$/g, '').toLowerCase());
}

/** Attempts the guard refused so far in this thread. */
export function blockedConnections(): Array<{ host: string; port?: number; via: string }> {
  return [...state.blocked];
}

/** True once {@link installNetworkGuard} ran in this thread. */
export function isNetworkGuardInstalled(): boolean {
  return state.installed;
}
