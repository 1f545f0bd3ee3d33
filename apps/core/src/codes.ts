/**
 * Error codes of @momo/core with a one-line meaning each. Codes are API: never rename one.
 */
export const CORE_CODES = {
  // frozen core knowledge base
  CORE_KB_NOT_FOUND: 'the frozen core KB bundle directory or its manifest.json is missing',
  CORE_KB_INVALID: 'the core KB bundle manifest is malformed or holds no knowledge base',
  CORE_KB_TAMPERED: 'a core KB file is missing, modified, resized or unexpected: the app refuses to start',
  // encrypted user knowledge base
  CORE_USER_KB_NOT_FOUND: 'no user KB at the given directory (run `momo-core init`)',
  CORE_USER_KB_EXISTS: 'a user KB already exists where one was to be created or restored',
  CORE_USER_KB_LOCKED: 'another momo-core process has the user KB open for writing',
  CORE_USER_KB_CORRUPT: 'the user KB vault fails authentication with the right passphrase, or is malformed',
  CORE_PASSPHRASE_WRONG: 'the passphrase does not open the user KB',
  CORE_PASSPHRASE_MISSING: 'no passphrase was given (env, stdin or terminal)',
  CORE_PASSPHRASE_INVALID: 'an empty passphrase, or the two entries differ',
  CORE_PATH_NOT_FOUND: 'a file or folder to add does not exist or has nothing readable',
  CORE_SOURCE_NOT_FOUND: 'no source with that id in the user KB',
  // backup / restore
  CORE_BACKUP_NOT_FOUND: 'the remote holds no user-KB backup',
  CORE_BACKUP_CORRUPT: 'the backup on the remote does not match its recorded md5',
  // deployed mode
  NETWORK_BLOCKED: 'deployed mode refused an outbound connection to a non-loopback address',
  CORE_REQUEST_INVALID: 'the web API got a malformed or unauthorised request',
} as const;

export type CoreCode = keyof typeof CORE_CODES;
