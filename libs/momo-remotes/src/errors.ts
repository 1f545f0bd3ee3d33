import { MomoError, EXIT, isMomoError } from '@momo/errors';
import type { RemoteErrorCode } from './codes.js';
import type { RemoteScheme } from './remote.js';

/** Options of {@link remoteError}. */
export interface RemoteErrorOptions {
  hint?: string;
  data?: Record<string, unknown>;
  cause?: unknown;
  exitCode?: number;
}

/** Exit code per code: configuration problems are DVC's 251, everything else "command failed". */
const CONFIG_CODES: ReadonlySet<RemoteErrorCode> = new Set([
  'REMOTE_URL_INVALID',
  'REMOTE_SCHEME_UNSUPPORTED',
  'REMOTE_CONFIG_INVALID',
]);

/**
 * Builds a `MomoError` of this package: the message is prefixed `[remote:<scheme>]` so the user
 * sees which driver failed (unstorage's driver-error convention).
 */
export function remoteError(
  scheme: RemoteScheme | 'remote',
  code: RemoteErrorCode,
  message: string,
  options: RemoteErrorOptions = {},
): MomoError {
  const tag = scheme === 'remote' ? '[remote]' : `[remote:${scheme === 'https' ? 'http' : scheme}]`;
  return new MomoError(code, `${tag} ${message}`, {
    hint: options.hint,
    data: options.data,
    cause: options.cause,
    exitCode: options.exitCode ?? (CONFIG_CODES.has(code) ? EXIT.CONFIG : EXIT.FAILED),
  });
}

/** True for errors this package raised (any `REMOTE_*` or `DEPENDENCY_MISSING` MomoError). */
export function isRemoteError(e: unknown): boolean {
  return isMomoError(e) && (e.code.startsWith('REMOTE_') || e.code === 'DEPENDENCY_MISSING');
}

/** A short description of an unknown thrown value for messages. */
export function describeCause(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code && !e.message.includes(String(code)) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

/** Network-level errno codes that mean the host cannot be reached at all. */
export const UNREACHABLE_ERRNOS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'ETIMEDOUT',
  'ECONNABORTED',
]);

/** Errno codes worth retrying: the connection broke mid-flight. */
export const TRANSIENT_ERRNOS: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** True for Node's TLS certificate/handshake error codes (self-signed, unknown CA, expired…). */
export function isTlsError(code: string | undefined): boolean {
  return code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|SSL_/i.test(code);
}
