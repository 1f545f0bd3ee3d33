/**
 * The user's private knowledge base: files, folders and notes the user adds, chunked and held in
 * memory, persisted only as the encrypted vault (`vault.mkb`, see vault.ts). The search index is
 * an in-memory @momo/kb KnowledgeBase rebuilt at unlock; nothing else is written to the directory
 * except `lock` (a pid, for single-writer access).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, openSync, closeSync, writeSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { KnowledgeBase, SearchHit } from '@momo/kb';
import { coreError, EXIT } from '../errors.js';
import { deriveKey, openVault, removeStaleTemps, sealVault, writeFileAtomicDurable, type KdfParams, type VaultKey } from './vault.js';
import { readUserFiles } from './read-user-files.js';

/** The vault file of a user-KB directory. */
export const VAULT_FILE = 'vault.mkb';
/** The writer lock of a user-KB directory (holds a pid, nothing else). */
export const LOCK_FILE = 'lock';

/** Something the user added. */
export interface UserSource {
  /** short random id */
  id: string;
  kind: 'file' | 'folder' | 'note';
  /** absolute path, or the note's title */
  label: string;
  files: number;
  chunks: number;
  /** ISO time of the addition */
  added: string;
}

/** One searchable piece of a source. */
export interface UserDocument {
  id: string;
  sourceId: string;
  title: string;
  /** the file (absolute path) or the note's title */
  source: string;
  language: string;
  startLine: number;
  endLine: number;
  symbol?: string;
  content: string;
}

/** The decrypted content of the vault. */
interface UserKbData {
  format: 'momo-user-kb-data';
  version: 1;
  sources: UserSource[];
  documents: UserDocument[];
}

/** Options of {@link UserKb.create} and {@link UserKb.open}. */
export interface UserKbOptions {
  dir: string;
  passphrase: string;
  /** take the writer lock (add/remove/passwd/serve); readers never write. @default true */
  write?: boolean;
  /** clock for `added` times (tests inject one) */
  now?: () => Date;
  /** KDF cost override for `create` (stored in the vault). @default N=2^17, r=8, p=1 */
  kdf?: Pick<KdfParams, 'N' | 'r' | 'p'>;
}

/** Result of an addition. */
export interface AddResult {
  source: UserSource;
  skipped: Array<{ file: string; reason: string }>;
}

function emptyData(): UserKbData {
  return { format: 'momo-user-kb-data', version: 1, sources: [], documents: [] };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the single-writer lock of `dir`; a lock whose process is gone is taken over. Returns the
 * release function. @throws CORE_USER_KB_LOCKED
 */
export function acquireLock(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) {
        throw coreError('CORE_USER_KB_LOCKED', `the user KB '${dir}' is open in another momo-core process (pid ${pid})`, {
          hint: 'stop that process (e.g. the running `momo-core serve`) or use its web page',
          data: { dir, pid },
        });
      }
      // stale lock of a crashed process
      rmSync(file, { force: true });
    }
  }
  throw coreError('CORE_USER_KB_LOCKED', `the user KB '${dir}' lock could not be taken`, { hint: `remove '${file}' if no momo-core is running` });
}

/**
 * An unlocked user KB. Every change is sealed and written atomically before the call returns,
 * so a crash leaves the previous state or the new one, both readable with the passphrase.
 */
export class UserKb {
  readonly dir: string;
  private data: UserKbData;
  private key: VaultKey;
  private release?: () => void;
  private kb: KnowledgeBase | undefined;
  private byId = new Map<string, UserDocument>();
  private readonly now: () => Date;

  private constructor(dir: string, data: UserKbData, key: VaultKey, now: () => Date, release?: () => void) {
    this.dir = dir;
    this.data = data;
    this.key = key;
    this.now = now;
    this.release = release;
    for (const d of data.documents) this.byId.set(d.id, d);
  }

  /** True when `dir` holds a user KB. */
  static exists(dir: string): boolean {
    return existsSync(join(dir, VAULT_FILE));
  }

  /**
   * Creates an empty user KB (directory mode 0700, vault 0600).
   * @throws CORE_USER_KB_EXISTS, CORE_PASSPHRASE_INVALID
   */
  static async create(options: UserKbOptions): Promise<UserKb> {
    const dir = resolve(options.dir);
    if (!options.passphrase) throw coreError('CORE_PASSPHRASE_INVALID', 'the passphrase is empty', { hint: 'choose a passphrase (a few words are best)', exitCode: EXIT.USAGE });
    if (UserKb.exists(dir)) {
      throw coreError('CORE_USER_KB_EXISTS', `a user KB already exists in '${dir}'`, { hint: 'open it with its passphrase, or choose another --user-kb directory' });
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const release = options.write === false ? undefined : acquireLock(dir);
    try {
      const key = await deriveKey(options.passphrase, options.kdf ? { name: 'scrypt', ...options.kdf, salt: randomBytes(16).toString('base64') } : undefined);
      const kb = new UserKb(dir, emptyData(), key, options.now ?? (() => new Date()), release);
      kb.persist();
      return kb;
    } catch (e) {
      release?.();
      throw e;
    }
  }

  /**
   * Unlocks an existing user KB. A wrong passphrase changes nothing on disk.
   * @throws CORE_USER_KB_NOT_FOUND, CORE_PASSPHRASE_WRONG, CORE_USER_KB_CORRUPT, CORE_USER_KB_LOCKED
   */
  static async open(options: UserKbOptions): Promise<UserKb> {
    const dir = resolve(options.dir);
    const file = join(dir, VAULT_FILE);
    if (!existsSync(file)) {
      throw coreError('CORE_USER_KB_NOT_FOUND', `no user KB in '${dir}'`, { hint: 'create one with `momo-core init`, or restore a backup with `momo-core restore --remote <url>`', data: { dir } });
    }
    // decrypt first: a wrong passphrase must not even take the lock
    const { plaintext, key } = await openVault(readFileSync(file), file, { passphrase: options.passphrase });
    const data = parseData(plaintext, file);
    const release = options.write === false ? undefined : acquireLock(dir);
    if (release) removeStaleTemps(dir, VAULT_FILE);
    return new UserKb(dir, data, key, options.now ?? (() => new Date()), release);
  }

  /** Sources in the order they were added. */
  list(): UserSource[] {
    return this.data.sources.map((s) => ({ ...s }));
  }

  /** Number of searchable pieces. */
  get size(): number {
    return this.data.documents.length;
  }

  private newId(): string {
    let id: string;
    do id = randomBytes(4).toString('hex');
    while (this.data.sources.some((s) => s.id === id));
    return id;
  }

  /** Adds a file or every text file below a folder. @throws CORE_PATH_NOT_FOUND */
  async addPath(path: string): Promise<AddResult> {
    const abs = resolve(path);
    const read = await readUserFiles(abs);
    const id = this.newId();
    const docs: UserDocument[] = read.chunks.map((c, i) => ({
      id: `${id}:${i}`,
      sourceId: id,
      title: c.symbol ? `${c.file.split('/').pop()} ${c.symbol}` : (c.file.split('/').pop() ?? c.file),
      source: c.file,
      language: c.language,
      startLine: c.startLine,
      endLine: c.endLine,
      ...(c.symbol ? { symbol: c.symbol } : {}),
      content: c.text,
    }));
    const source: UserSource = { id, kind: read.kind, label: abs, files: read.files, chunks: docs.length, added: this.now().toISOString() };
    await this.commit(source, docs);
    return { source, skipped: read.skipped };
  }

  /** Adds a note (title + text). */
  async addNote(note: { title: string; text: string }): Promise<AddResult> {
    const title = note.title.trim() || 'Untitled note';
    if (!note.text.trim()) throw coreError('CORE_REQUEST_INVALID', 'the note is empty', { hint: 'write some text', exitCode: EXIT.USAGE });
    const id = this.newId();
    const { chunkFile } = await import('@momo/kb');
    const chunks = chunkFile({ path: title, module: 'user', language: 'markdown', text: note.text.endsWith('\n') ? note.text : `${note.text}\n`, symbols: [], chunkSize: 1500, overlap: 200 });
    const docs: UserDocument[] = chunks.map((c, i) => ({ id: `${id}:${i}`, sourceId: id, title, source: title, language: 'note', startLine: c.startLine, endLine: c.endLine, content: c.text }));
    const source: UserSource = { id, kind: 'note', label: title, files: 0, chunks: docs.length, added: this.now().toISOString() };
    await this.commit(source, docs);
    return { source, skipped: [] };
  }

  private async commit(source: UserSource, docs: UserDocument[]): Promise<void> {
    const next: UserKbData = { ...this.data, sources: [...this.data.sources, source], documents: [...this.data.documents, ...docs] };
    this.persist(next);
    this.data = next;
    for (const d of docs) this.byId.set(d.id, d);
    if (this.kb) for (const d of docs) await this.kb.save(toKbDocument(d));
  }

  /** Removes a source and its pieces. @throws CORE_SOURCE_NOT_FOUND */
  async remove(sourceId: string): Promise<UserSource> {
    const source = this.data.sources.find((s) => s.id === sourceId);
    if (!source) throw coreError('CORE_SOURCE_NOT_FOUND', `no source '${sourceId}' in the user KB`, { hint: 'list the sources with `momo-core list`', data: { sourceId } });
    const gone = this.data.documents.filter((d) => d.sourceId === sourceId);
    const next: UserKbData = { ...this.data, sources: this.data.sources.filter((s) => s.id !== sourceId), documents: this.data.documents.filter((d) => d.sourceId !== sourceId) };
    this.persist(next);
    this.data = next;
    for (const d of gone) {
      this.byId.delete(d.id);
      if (this.kb) await this.kb.delete(d.id);
    }
    return source;
  }

  /** Re-encrypts everything under a new passphrase (new salt, new key), atomically. */
  async changePassphrase(newPassphrase: string): Promise<void> {
    if (!newPassphrase) throw coreError('CORE_PASSPHRASE_INVALID', 'the new passphrase is empty', { hint: 'choose a passphrase', exitCode: EXIT.USAGE });
    const key = await deriveKey(newPassphrase, { ...this.key.kdf, salt: randomBytes(16).toString('base64') });
    this.persist(this.data, key);
    this.key = key;
  }

  /** Searches the user's pieces (hybrid BM25 + vectors over the in-memory index). */
  async search(query: string, options: { limit?: number } = {}): Promise<Array<{ doc: UserDocument; score: number }>> {
    if (!this.data.documents.length) return [];
    const kb = await this.index();
    const hits: SearchHit[] = await kb.search(query, { limit: options.limit ?? 10 });
    const out: Array<{ doc: UserDocument; score: number }> = [];
    for (const h of hits) {
      const doc = this.byId.get(h.id);
      if (doc) out.push({ doc, score: h.score });
    }
    return out;
  }

  private async index(): Promise<KnowledgeBase> {
    if (this.kb) return this.kb;
    const { KnowledgeBase } = await import('@momo/kb');
    // root is only a label here: nothing is ingested from or written to it
    const kb = new KnowledgeBase({ root: this.dir });
    for (const d of this.data.documents) await kb.save(toKbDocument(d));
    this.kb = kb;
    return kb;
  }

  /** The vault bytes as on disk (ciphertext), for backups. */
  vaultBytes(): Buffer {
    return readFileSync(join(this.dir, VAULT_FILE));
  }

  private persist(data: UserKbData = this.data, key: VaultKey = this.key): void {
    writeFileAtomicDurable(join(this.dir, VAULT_FILE), sealVault(key, Buffer.from(JSON.stringify(data), 'utf8')));
  }

  /** Drops the in-memory state and releases the writer lock. */
  async close(): Promise<void> {
    await this.kb?.close();
    this.kb = undefined;
    this.release?.();
    this.release = undefined;
  }
}

function toKbDocument(d: UserDocument) {
  return {
    id: d.id,
    title: d.title,
    content: d.content,
    metadata: { source: d.source, category: 'user', tags: [d.language], custom: { sourceId: d.sourceId, startLine: d.startLine, endLine: d.endLine } },
  };
}

function parseData(plaintext: Buffer, file: string): UserKbData {
  try {
    const data = JSON.parse(plaintext.toString('utf8')) as UserKbData;
    if (data?.format === 'momo-user-kb-data' && data.version === 1 && Array.isArray(data.sources) && Array.isArray(data.documents)) return data;
  } catch {
    // falls through to the error below
  }
  throw coreError('CORE_USER_KB_CORRUPT', `the user KB vault '${file}' decrypts to an unknown format`, { hint: 'restore the user KB from a backup' });
}

/** Writes raw vault bytes into a user-KB directory atomically (restore), holding the writer lock. */
export function installVault(dir: string, bytes: Buffer): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const release = acquireLock(dir);
  try {
    removeStaleTemps(dir, VAULT_FILE);
    writeFileAtomicDurable(join(dir, VAULT_FILE), bytes);
  } finally {
    release();
  }
}
