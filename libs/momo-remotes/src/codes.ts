/**
 * Error codes raised by `@momo/remotes`. Codes are API: never rename one after release.
 * Each maps to a one-line meaning; a spec checks that every code here is used by the sources.
 */
export const REMOTE_ERROR_CODES = {
  REMOTE_AUTH_FAILED: 'the remote rejected the credentials (wrong key, password, secret or token)',
  REMOTE_PERMISSION_DENIED: 'the credentials were accepted but may not do this operation on this path',
  REMOTE_UNREACHABLE: 'the remote host cannot be reached (unknown host, refused, timed out, TLS failure)',
  REMOTE_HOST_KEY_MISMATCH: "the SSH server's host key differs from the one recorded in known_hosts",
  REMOTE_HOST_KEY_UNKNOWN: 'strict host-key checking is on and the SSH host is not in known_hosts',
  REMOTE_OBJECT_MISSING: 'the object (file) does not exist on the remote',
  REMOTE_BUCKET_MISSING: 'the S3 bucket named in the remote URL does not exist',
  REMOTE_TRANSFER_FAILED: 'a read, write, list or delete failed for another reason (after retries)',
  REMOTE_OPERATION_UNSUPPORTED: 'the remote type cannot do this (e.g. listing or deleting over HTTP)',
  REMOTE_URL_INVALID: 'the remote URL cannot be parsed',
  REMOTE_SCHEME_UNSUPPORTED: 'the remote URL uses a scheme momo has no driver for',
  REMOTE_CONFIG_INVALID: "a key of the remote's config section is unknown or has a bad value",
  REMOTE_PATH_INVALID: 'an object path is absolute, empty or escapes the remote root (a bug in the caller)',
  REMOTE_CLOSED: 'the remote was used after close()',
  DEPENDENCY_MISSING: 'the optional package a driver needs is not installed',
} as const;

/** One of the codes this package raises. */
export type RemoteErrorCode = keyof typeof REMOTE_ERROR_CODES;
