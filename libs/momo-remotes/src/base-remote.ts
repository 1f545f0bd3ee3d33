import { createReadStream, createWriteStream, existsSync, mkdirSync, chmodSync, renameSync, unlinkSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough, type Readable } from 'node:stream';
import { isMomoError, type MomoError } from '@momo/errors';
import { remoteError, describeCause } from './errors.js';
import { checkPath, checkPrefix, tempPathFor } from './paths.js';
import { withRetry, type RetryOptions } from './retry.js';
import { mapLimit } from './concurrency.js';
import { ProgressCounter, progressTap } from './progress.js';
import type {
  Remote,
  RemoteCapabilities,
  RemoteScheme,
  RemoteStat,
  ReadOptions,
  DownloadOptions,
  WriteOptions,
  WriteSource,
  ExistsManyOptions,
} from './remote.js';

/** Options every driver accepts. */
export interface BaseRemoteOptions {
  /** Remote URL as configured. */
  url: string;
  /** Default parallelism of batch calls. */
  jobs: number;
  /** Retry policy for transient failures. */
  retry?: RetryOptions;
  /** Remote name, for messages. */
  name?: string;
}

/** Operation names used in messages. */
export type RemoteOp = 'exists' | 'stat' | 'list' | 'read' | 'write' | 'delete' | 'connect' | 'download' | 'upload';

/**
 * Shared behaviour of the drivers: path checks, closed checks, retries, error translation and
 * the generic implementations of the batch/convenience methods. Drivers implement the `do*`
 * primitives and the two error hooks.
 */
export abstract class BaseRemote implements Remote {
  abstract readonly scheme: RemoteScheme;
  abstract readonly capabilities: RemoteCapabilities;
  readonly url: string;
  readonly jobs: number;
  protected readonly retry: RetryOptions;
  protected readonly name: string | undefined;
  protected closed = false;
  /** Local directories `download` has made sure exist. */
  private readonly downloadDirs = new Set<string>();

  constructor(options: BaseRemoteOptions) {
    this.url = options.url;
    this.jobs = options.jobs;
    this.retry = options.retry ?? {};
    this.name = options.name;
  }

  /** True when a raw (backend) error may pass on retry. */
  protected abstract isTransient(error: unknown): boolean;
  /** Turns a raw backend error into a MomoError (already-MomoErrors pass through). */
  protected abstract translate(error: unknown, op: RemoteOp, path: string | undefined): MomoError;

  protected abstract doStat(path: string): Promise<RemoteStat | null>;
  protected abstract doList(prefix: string): AsyncIterable<string>;
  /** Opens a read stream; throws the backend's not-found error for missing objects. */
  protected abstract doRead(path: string, signal: AbortSignal | undefined): Promise<{ stream: Readable; size: number | undefined }>;
  /** Writes atomically. `source` is a Buffer, or a stream that must be consumed once. */
  protected abstract doWrite(path: string, source: Buffer | Readable, size: number | undefined, counter: ProgressCounter, signal: AbortSignal | undefined): Promise<void>;
  protected abstract doDelete(path: string): Promise<void>;
  protected abstract doClose(): Promise<void>;

  protected doExists(path: string): Promise<boolean> {
    return this.doStat(path).then((s) => s !== null);
  }

  /** Checks state and path, then runs `fn` with retries and error translation. */
  protected async run<T>(op: RemoteOp, path: string | undefined, fn: () => Promise<T>, retry = true, signal?: AbortSignal): Promise<T> {
    this.assertOpen();
    try {
      return await withRetry(fn, (e) => retry && !isMomoError(e) && this.isTransient(e), { ...this.retry, signal: signal ?? this.retry.signal });
    } catch (e) {
      throw this.translate(e, op, path);
    }
  }

  protected assertOpen(): void {
    if (this.closed) {
      throw remoteError(this.scheme, 'REMOTE_CLOSED', `remote ${this.describe()} was used after close()`, {
        hint: 'this is a bug in the caller: create a new remote with createRemote()',
      });
    }
  }

  /** `'name' (url)` or the url, for messages. */
  protected describe(): string {
    return this.name ? `'${this.name}' (${this.url})` : `'${this.url}'`;
  }

  /** The standard "object missing" error. */
  protected missing(path: string, cause?: unknown): MomoError {
    return remoteError(this.scheme, 'REMOTE_OBJECT_MISSING', `'${path}' does not exist on remote ${this.describe()}`, {
      hint: 'push it from a machine that has it in its cache (`dvc push`), or check the remote URL',
      data: { path, url: this.url },
      cause,
    });
  }

  /** The fallback error for anything unclassified. */
  protected failed(op: RemoteOp, path: string | undefined, cause: unknown): MomoError {
    const what = path ? ` '${path}'` : '';
    return remoteError(this.scheme, 'REMOTE_TRANSFER_FAILED', `${op}${what} failed on remote ${this.describe()}: ${describeCause(cause)}`, {
      hint: 'check the connection and the remote, then run the command again',
      data: { op, path, url: this.url },
      cause,
    });
  }

  protected unsupported(op: string): MomoError {
    return remoteError(this.scheme, 'REMOTE_OPERATION_UNSUPPORTED', `${op} is not supported by ${this.scheme} remotes (${this.describe()})`, {
      hint: this.scheme.startsWith('http') ? 'use an ssh://, s3:// or local remote for this operation' : undefined,
      data: { op, url: this.url },
    });
  }

  async exists(path: string): Promise<boolean> {
    checkPath(this.scheme, path);
    return this.run('exists', path, () => this.doExists(path));
  }

  async existsMany(paths: readonly string[], options: ExistsManyOptions = {}): Promise<boolean[]> {
    for (const p of paths) checkPath(this.scheme, p);
    this.assertOpen();
    let done = 0;
    return mapLimit(
      paths,
      options.jobs ?? this.jobs,
      async (p) => {
        const r = await this.run('exists', p, () => this.doExists(p), true, options.signal);
        options.onProgress?.(++done, paths.length);
        return r;
      },
      options.signal,
    );
  }

  async stat(path: string): Promise<RemoteStat | null> {
    checkPath(this.scheme, path);
    return this.run('stat', path, () => this.doStat(path));
  }

  async *list(prefix: string): AsyncIterable<string> {
    checkPrefix(this.scheme, prefix);
    this.assertOpen();
    if (!this.capabilities.list) throw this.unsupported('listing');
    try {
      yield* this.doList(prefix);
    } catch (e) {
      throw this.translate(e, 'list', prefix || undefined);
    }
  }

  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    checkPath(this.scheme, path);
    const { stream, size } = await this.run('read', path, () => this.doRead(path, options.signal), true, options.signal);
    const out = options.onProgress ? progressTap(new ProgressCounter(path, size, options.onProgress)) : new PassThrough();
    // Consumers see MomoErrors, and destroying the returned stream releases the backend stream.
    stream.on('error', (e) => out.destroy(isMomoError(e) ? e : this.translate(e, 'read', path)));
    out.on('close', () => {
      if (!stream.destroyed) stream.destroy();
    });
    return stream.pipe(out);
  }

  async readFile(path: string, options: ReadOptions = {}): Promise<Buffer> {
    checkPath(this.scheme, path);
    return this.run('read', path, async () => {
      const { stream, size } = await this.doRead(path, options.signal);
      const counter = new ProgressCounter(path, size, options.onProgress);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk as Buffer);
        counter.add((chunk as Buffer).length);
      }
      return Buffer.concat(chunks);
    }, true, options.signal);
  }

  async download(path: string, toFile: string, options: DownloadOptions = {}): Promise<void> {
    checkPath(this.scheme, path);
    const dir = dirname(toFile);
    // one mkdir per target directory, not per object (pulls write thousands into the same dirs)
    if (!this.downloadDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.downloadDirs.add(dir);
    }
    const attempt = async () => {
      const tmp = tempPathFor(toFile);
      try {
        await this.doDownload(path, tmp, options);
        await options.verify?.(tmp);
        if (options.mode !== undefined) chmodSync(tmp, options.mode);
        renameSync(tmp, toFile);
      } catch (e) {
        removeQuietly(tmp);
        throw e;
      }
    };
    await this.run('download', path, async () => {
      try {
        await attempt();
      } catch (e) {
        // The memoised target directory was removed behind our back (e.g. by gc): recreate it once.
        if (existsSync(dir)) throw e;
        mkdirSync(dir, { recursive: true });
        await attempt();
      }
    }, true, options.signal);
  }

  /** Downloads to `tmpFile` (not atomic by itself); drivers override with faster transfers. */
  protected async doDownload(path: string, tmpFile: string, options: DownloadOptions): Promise<void> {
    const { stream, size } = await this.doRead(path, options.signal);
    const counter = new ProgressCounter(path, size, options.onProgress);
    await pipeline(stream, progressTap(counter), createWriteStream(tmpFile), { signal: options.signal });
  }

  async write(path: string, source: WriteSource, options: WriteOptions = {}): Promise<void> {
    checkPath(this.scheme, path);
    if (!this.capabilities.write) throw this.unsupported('writing');
    const body: Buffer | Readable =
      typeof source === 'string' ? Buffer.from(source) : source instanceof Uint8Array && !Buffer.isBuffer(source) ? Buffer.from(source) : (source as Buffer | Readable);
    const isBuffer = Buffer.isBuffer(body);
    const size = isBuffer ? body.length : options.size;
    // A stream can be consumed once, so only in-memory bodies are retried.
    return this.run('write', path, () => {
      const counter = new ProgressCounter(path, size, options.onProgress);
      return this.doWrite(path, body, size, counter, options.signal);
    }, isBuffer, options.signal);
  }

  async upload(fromFile: string, path: string, options: WriteOptions = {}): Promise<void> {
    checkPath(this.scheme, path);
    if (!this.capabilities.write) throw this.unsupported('writing');
    return this.run('upload', path, () => {
      const size = options.size ?? statSync(fromFile).size;
      const counter = new ProgressCounter(path, size, options.onProgress);
      return this.doUpload(fromFile, path, size, counter, options.signal);
    }, true, options.signal);
  }

  /** Uploads a local file; drivers override with faster transfers. */
  protected doUpload(fromFile: string, path: string, size: number, counter: ProgressCounter, signal: AbortSignal | undefined): Promise<void> {
    return this.doWrite(path, createReadStream(fromFile), size, counter, signal);
  }

  async delete(path: string): Promise<void> {
    checkPath(this.scheme, path);
    if (!this.capabilities.delete) throw this.unsupported('deleting');
    return this.run('delete', path, () => this.doDelete(path));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.doClose();
  }
}

/** Deletes a temp file, ignoring a missing one. */
export function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone (or never created): nothing to clean up
  }
}
