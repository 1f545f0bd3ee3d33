/**
 * The subset of `ssh2` 1.17's API the SSH driver uses. `@types/ssh2` pins an old `@types/node`,
 * so the few shapes are declared here instead.
 */
import type { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';

export interface Ssh2Stats {
  mode: number;
  size: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

export interface Ssh2DirEntry {
  filename: string;
  attrs: Ssh2Stats;
}

/** An SFTP error: `code` is the SFTP status (2 no such file, 3 permission denied, 4 failure). */
export interface Ssh2SftpError extends Error {
  code?: number | string;
}

type Cb<T = void> = (err: Ssh2SftpError | undefined | null, value: T) => void;

export interface Ssh2TransferOptions {
  concurrency?: number;
  chunkSize?: number;
  step?: (total: number, chunk: number, size: number) => void;
  mode?: number;
}

export interface Ssh2Sftp extends EventEmitter {
  stat(path: string, cb: Cb<Ssh2Stats>): void;
  fstat(handle: Buffer, cb: Cb<Ssh2Stats>): void;
  /** A path lists the whole directory; a handle from `opendir` returns one page (EOF error at the end). */
  readdir(where: string | Buffer, cb: Cb<Ssh2DirEntry[]>): void;
  opendir(path: string, cb: Cb<Buffer>): void;
  open(path: string, flags: string, cb: Cb<Buffer>): void;
  close(handle: Buffer, cb: Cb): void;
  write(handle: Buffer, buf: Buffer, off: number, len: number, position: number, cb: Cb): void;
  read(handle: Buffer, buf: Buffer, off: number, len: number, position: number, cb: (err: Ssh2SftpError | undefined, bytesRead: number) => void): void;
  mkdir(path: string, cb: Cb): void;
  unlink(path: string, cb: Cb): void;
  rename(from: string, to: string, cb: Cb): void;
  ext_openssh_rename(from: string, to: string, cb: Cb): void;
  fastPut(local: string, remote: string, opts: Ssh2TransferOptions, cb: Cb): void;
  fastGet(remote: string, local: string, opts: Ssh2TransferOptions, cb: Cb): void;
  createReadStream(path: string, opts?: { handle?: Buffer; highWaterMark?: number; autoClose?: boolean; start?: number }): Readable;
  createWriteStream(path: string, opts?: { handle?: Buffer; highWaterMark?: number; autoClose?: boolean; flags?: string }): Writable;
  end(): void;
  _extensions?: Record<string, string>;
}

/** An auth attempt returned by `authHandler`. */
export type Ssh2AuthAttempt =
  | { type: 'publickey'; username: string; key: Buffer | string; passphrase?: string }
  | { type: 'password'; username: string; password: string }
  | { type: 'agent'; username: string; agent: string }
  | { type: 'keyboard-interactive'; username: string; prompt: (name: string, instructions: string, lang: string, prompts: Array<{ prompt: string; echo: boolean }>, finish: (answers: string[]) => void) => void }
  | { type: 'none'; username: string };

export interface Ssh2ConnectConfig {
  host: string;
  port: number;
  username: string;
  readyTimeout?: number;
  keepaliveInterval?: number;
  keepaliveCountMax?: number;
  hostVerifier?: (key: Buffer) => boolean;
  authHandler?: (methodsLeft: string[] | null, partialSuccess: boolean | null, next: (attempt: Ssh2AuthAttempt | false) => void) => void;
  algorithms?: { serverHostKey?: string[]; cipher?: string[]; compress?: string[] };
}

export interface Ssh2Client extends EventEmitter {
  connect(config: Ssh2ConnectConfig): void;
  sftp(cb: (err: Error | undefined, sftp: Ssh2Sftp) => void): void;
  end(): void;
}

export interface Ssh2ParsedKey {
  type: string;
  isPrivateKey(): boolean;
}

/** The `ssh2` module. */
export interface Ssh2Module {
  Client: new () => Ssh2Client;
  utils: { parseKey(data: Buffer | string, passphrase?: string): Ssh2ParsedKey | Error | Ssh2ParsedKey[] };
}
