import type { Readable } from 'node:stream';

/** The schemes momo has a driver for. `local` is a plain path (no `scheme://`). */
export type RemoteScheme = 'local' | 'ssh' | 's3' | 'http' | 'https';

/** What a driver can do beyond the required methods; the engine plans around these. */
export interface RemoteCapabilities {
  /** `list(prefix)` works. False for HTTP (DVC's `dvc-http` cannot traverse either). */
  readonly list: boolean;
  /** `write`/`upload` work. */
  readonly write: boolean;
  /** `delete` works (needed by `gc -c`). */
  readonly delete: boolean;
  /**
   * `existsMany` is cheaper than N `exists` calls (sync stats, pipelined SFTP requests, or
   * parallel HEADs over kept-alive sockets).
   */
  readonly batchExists: boolean;
  /**
   * Length of the hash prefix DVC lists when it traverses this kind of remote instead of
   * checking object by object: 2 for local/SSH, 3 for object stores (dvc_objects `TRAVERSE_PREFIX_LEN`;
   * dvc-compat §20 A12). 0 when the remote cannot list.
   */
  readonly traversePrefixLength: number;
  /**
   * Objects written by this driver end with mode 0o444 and DVC trusts 0o444 objects without
   * re-hashing them (local-path remotes only; dvc-compat §20 A2).
   */
  readonly protectsObjects: boolean;
}

/** One progress report of one transfer. Reports are cumulative per object, in bytes. */
export interface TransferProgress {
  /** Remote-relative path of the object being transferred. */
  path: string;
  /** Bytes transferred so far for this object. */
  transferred: number;
  /** Bytes newly transferred since the previous report (sum these to aggregate). */
  delta: number;
  /** Total size when known (from `size`, a file stat or a Content-Length). */
  total: number | undefined;
}

/** A progress callback. It must not throw; it is called synchronously on the I/O path. */
export type ProgressCallback = (progress: TransferProgress) => void;

/** Options of {@link Remote.write} and {@link Remote.upload}. */
export interface WriteOptions {
  /** Size in bytes when known; drivers use it for progress totals and to pick single vs multipart. */
  size?: number;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** Options of {@link Remote.read}, {@link Remote.readFile} and {@link Remote.download}. */
export interface ReadOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** Options of {@link Remote.download}. */
export interface DownloadOptions extends ReadOptions {
  /** chmod applied to the downloaded file before it is renamed into place (e.g. 0o444 for the cache). */
  mode?: number;
  /**
   * Checks the complete temp file before it is renamed into place (e.g. its hash). A throw aborts
   * the download: the temp file is removed, nothing appears at the target, and a `MomoError` is
   * passed on unchanged and not retried.
   */
  verify?: (tmpFile: string) => void | Promise<void>;
}

/** Options of {@link Remote.existsMany}. */
export interface ExistsManyOptions {
  /** Maximum requests in flight. @default the driver's `jobs` */
  jobs?: number;
  signal?: AbortSignal;
  /** Called after each answered path with how many are done so far. */
  onProgress?: (done: number, total: number) => void;
}

/** Facts about one object. */
export interface RemoteStat {
  size: number;
  /** POSIX mode bits where the backend has them (local, SSH), else undefined. */
  mode: number | undefined;
}

/** Bytes accepted by {@link Remote.write}. */
export type WriteSource = Readable | Buffer | Uint8Array | string;

/**
 * The storage contract every remote driver implements.
 *
 * Paths are **remote-relative POSIX paths** (`files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8`): no leading
 * slash, no `.`/`..` segments, never empty; a bad path throws `REMOTE_PATH_INVALID`.
 *
 * Guarantees every driver keeps (checked by `testRemote` in `@momo/testing`):
 * - `write`/`upload` are atomic: readers see the old object or the complete new one, never a
 *   partial one (temp name + rename on local/SFTP, a single PUT or completed multipart on S3, the
 *   server's own atomicity on HTTP). A failed write leaves no object behind.
 * - Transient failures (connection resets, 5xx, throttling) are retried with exponential backoff;
 *   what is left is a `MomoError` with a `REMOTE_*` code and a message prefixed `[remote:<scheme>]`.
 * - A missing object raises `REMOTE_OBJECT_MISSING` from `read`/`readFile`/`download`; `exists`
 *   answers false and `stat` null.
 * - Nothing prints; progress goes to `onProgress` callbacks.
 */
export interface Remote {
  /** The scheme of the driver (`local` for a plain path). */
  readonly scheme: RemoteScheme;
  /** The remote URL as configured (for messages and the remote index key). */
  readonly url: string;
  readonly capabilities: RemoteCapabilities;
  /** Default parallelism of batch calls (DVC's `jobs` key, else a driver default). */
  readonly jobs: number;

  /** True when an object exists at `path`. */
  exists(path: string): Promise<boolean>;
  /** `exists` for many paths; the answer is in input order. */
  existsMany(paths: readonly string[], options?: ExistsManyOptions): Promise<boolean[]>;
  /** Size (and mode where known) of an object, or null when it does not exist. */
  stat(path: string): Promise<RemoteStat | null>;
  /**
   * Every object whose path starts with `prefix` (a string prefix, so `files/md5/0` matches both
   * `files/md5/00/…` and `files/md5/0a/…`), recursively, in no particular order. In-flight temp
   * files of atomic writes are never listed. Throws `REMOTE_OPERATION_UNSUPPORTED` when
   * `capabilities.list` is false.
   */
  list(prefix: string): AsyncIterable<string>;
  /** A stream of the object's bytes. */
  read(path: string, options?: ReadOptions): Promise<Readable>;
  /** The whole object in memory (for `.dir` manifests and small files). */
  readFile(path: string, options?: ReadOptions): Promise<Buffer>;
  /**
   * Downloads an object to a local file, atomically (temp file in the same directory + rename);
   * parent directories are created.
   */
  download(path: string, toFile: string, options?: DownloadOptions): Promise<void>;
  /** Atomically writes an object from bytes or a stream (a string is written as UTF-8). */
  write(path: string, source: WriteSource, options?: WriteOptions): Promise<void>;
  /**
   * Atomically writes an object from a local file. Prefer it to `write` for pushes: drivers use
   * parallel SFTP writes, multipart with known sizes, or `copyFile`, and can retry a failed upload.
   */
  upload(fromFile: string, path: string, options?: WriteOptions): Promise<void>;
  /** Deletes an object; deleting a missing object is not an error. */
  delete(path: string): Promise<void>;
  /** Releases connections and sockets. Further calls throw `REMOTE_CLOSED`. */
  close(): Promise<void>;
}
