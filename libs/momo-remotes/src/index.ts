export type {
  Remote,
  RemoteScheme,
  RemoteCapabilities,
  RemoteStat,
  TransferProgress,
  ProgressCallback,
  WriteOptions,
  ReadOptions,
  DownloadOptions,
  ExistsManyOptions,
  WriteSource,
} from './remote.js';
export { REMOTE_ERROR_CODES } from './codes.js';
export type { RemoteErrorCode } from './codes.js';
export { remoteError, isRemoteError } from './errors.js';
export { objectPath, legacyObjectPath, OBJECTS_DIR, isTempName } from './paths.js';
export { withRetry, computeBackoff, DEFAULT_RETRY } from './retry.js';
export { mapLimit, settleLimit } from './concurrency.js';
export type { SettledBatch } from './concurrency.js';
export type { RetryOptions } from './retry.js';
export { DRIVER_DEPENDENCIES } from './lazy-import.js';
export { REMOTE_CONFIG_KEYS } from './config.js';
export type { RemoteConfig } from './config.js';
export { createLocalRemote, LocalRemote, LOCAL_OBJECT_MODE } from './drivers/local.js';
export type { LocalRemoteOptions } from './drivers/local.js';
export { createRemote, resolveRemoteScheme } from './create-remote.js';
export type { CreateRemoteOptions } from './create-remote.js';
export { createSshRemote, SshRemote } from './drivers/ssh.js';
export type { SshRemoteOptions, HostKeyPolicy } from './drivers/ssh.js';
export { createS3Remote, S3Remote } from './drivers/s3.js';
export type { S3RemoteOptions } from './drivers/s3.js';
export { createHttpRemote, HttpRemote } from './drivers/http.js';
export type { HttpRemoteOptions } from './drivers/http.js';
