import * as fs from 'node:fs';
import { join, dirname, relative, sep, resolve, basename } from 'node:path';
import { withOperation } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex, type TrackedOut } from '../repo/index.js';
import { readManifest } from '../planning/out-status.js';
import { hashFiles } from '../hashing/hash-output.js';
import { DirMemo } from '../managers/dir-memo.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { compareCodePoints } from '../hashing/py-json.js';
import type { TreeEntry } from '../hashing/dir-manifest.js';
import { isWorkspaceTempName, type LinkType } from '../cache/odb.js';
import { selectOuts } from './status.js';

export interface CheckoutOptions extends RepoOptions {
  targets?: string[];
  /** replace/delete workspace files even when their content is not in the cache */
  force?: boolean;
  /** re-create every unchanged file with the configured link type */
  relink?: boolean;
  /** do not fail on outputs whose data is missing from the cache */
  allowMissing?: boolean;
  jobs?: number;
}

export interface CheckoutResult {
  /** output paths relative to cwd; directories end with `/` */
  added: string[];
  modified: string[];
  deleted: string[];
  failed: string[];
  /** file counts for `--summary` */
  stats: { added: number; modified: number; deleted: number };
  warnings: string[];
}

interface FileOp {
  kind: 'add' | 'modify' | 'delete' | 'chmod' | 'relink';
  abs: string;
  md5?: string;
  legacy?: boolean;
  empty?: boolean;
  isexec?: boolean;
  /** current content's hash (for the unsaved-data check) */
  current?: string;
}

interface OutPlan {
  out: TrackedOut;
  ops: FileOp[];
  /** the output path did not exist at all */
  wasMissing: boolean;
  isDir: boolean;
  /** a file standing where a directory goes (or the reverse) to remove first */
  replaceKind?: boolean;
}

/**
 * Makes the workspace match what `.dvc` files record, from the cache, like `dvc checkout`
 * (dvc/repo/checkout.py, dvc_data/index/checkout.py; spec §5.5). Plans everything first:
 * unless `force`, nothing is touched when a file to replace or delete holds data that is not in
 * the cache.
 * @throws CHECKOUT_UNSAVED_CHANGES, CHECKOUT_FAILED, TARGET_NOT_FOUND (exit 255)
 */
export async function checkout(opts: CheckoutOptions): Promise<CheckoutResult> {
  return withOperation('checkout', () => Repo.withRepo(opts, 'write', (repo) => checkoutInRepo(repo, opts)));
}

/** `checkout` inside an already opened and locked repo (used by pull). */
export async function checkoutInRepo(repo: Repo, opts: CheckoutOptions): Promise<CheckoutResult> {
  const index = loadIndex(repo);
  let outs: TrackedOut[];
  try {
    outs = selectOuts(repo, opts.cwd, index.outs, opts.targets).filter((o) => o.cache);
  } catch (e) {
    const t = opts.targets?.find((x) => !index.outs.some((o) => o.dvcfile === norm(repo, opts.cwd, x) || o.rel.startsWith(norm(repo, opts.cwd, x)) || norm(repo, opts.cwd, x).startsWith(o.rel)));
    throw dvcError('TARGET_NOT_FOUND', `Did you mean \`git checkout ${t ?? opts.targets?.[0]}\`?: ${(e as Error).message}`, {
      hint: `list tracked outputs with \`momo ls-files\`; to restore a git file use \`git checkout ${t ?? ''}\``,
      exitCode: EXIT.UNEXPECTED,
    });
  }
  // targets inside a tracked directory restore just that part of it (partial checkout)
  const parts = new Map<TrackedOut, string[]>();
  for (const t of opts.targets ?? []) {
    const rel = norm(repo, opts.cwd, t);
    const o = outs.find((x) => rel.startsWith(x.rel + '/'));
    if (o && !outs.some((x) => x.rel === rel || x.dvcfile === rel)) parts.set(o, [...(parts.get(o) ?? []), rel.slice(o.rel.length + 1)]);
  }
  const links = repo.links;
  const result: CheckoutResult = { added: [], modified: [], deleted: [], failed: [], stats: { added: 0, modified: 0, deleted: 0 }, warnings: [] };
  const toCwd = (rel: string, isDir: boolean) => (relative(opts.cwd, join(repo.root, rel)).split(sep).join('/') || '.') + (isDir ? '/' : '');

  // 1. plan
  const plans: OutPlan[] = [];
  for (const out of outs) {
    if (!out.entry.md5) {
      // DVC names the absolute path here (observed with DVC 3.67.1, e.g. a never-run stage's output)
      result.warnings.push(`No file hash info found for '${out.abs}'. It won't be created.`);
      result.failed.push(toCwd(out.rel, false));
      continue;
    }
    const plan = await planOut(repo, out, Boolean(opts.relink), opts.jobs, parts.get(out));
    if (!plan) {
      result.failed.push(toCwd(out.rel, out.entry.md5.endsWith('.dir')));
      continue;
    }
    plans.push(plan);
  }
  // unused links: outputs momo created earlier that are no longer tracked (no targets only)
  const stale: string[] = [];
  if (!opts.targets?.length) {
    const current = new Set(index.outs.map((o) => o.rel));
    for (const rel of links.unchanged(repo.root)) if (!current.has(rel)) stale.push(rel);
  }

  // 2. safety: data about to be replaced or deleted must be recoverable from the cache
  if (!opts.force) {
    const unsaved: string[] = [];
    for (const p of plans) {
      for (const op of p.ops) {
        // a killed momo checkout's temp file is removed without asking (DVC asks for its own too;
        // a rerun of an interrupted pull must finish by itself): see e2e/data-sync-crash.spec.ts
        if ((op.kind === 'modify' || op.kind === 'delete') && op.current && !repo.odb.exists(op.current, p.out.legacy) && !(op.kind === 'delete' && isWorkspaceTempName(basename(op.abs)))) unsaved.push(op.abs);
      }
    }
    if (unsaved.length) {
      throw dvcError('CHECKOUT_UNSAVED_CHANGES', `Can't remove the following unsaved files without confirmation. Use \`--force\` to force.\n${unsaved.sort().join('\n')}`, {
        hint: 'save them first with `momo add`/`momo commit`, or run `momo checkout --force` to discard them',
        exitCode: EXIT.UNEXPECTED,
      });
    }
  }

  // 3. apply
  for (const rel of stale) {
    const abs = join(repo.root, rel);
    let isDir = false;
    try {
      isDir = fs.lstatSync(abs).isDirectory();
    } catch {
      // already gone
    }
    fs.rmSync(abs, { recursive: true, force: true });
    links.forget(rel);
    result.deleted.push(toCwd(rel, isDir));
    result.stats.deleted++;
  }
  for (const p of plans) {
    const changed = applyPlan(repo, p);
    const label = toCwd(p.out.rel, p.isDir);
    if (p.wasMissing) {
      result.added.push(label);
      result.stats.added += changed.added;
    } else if (changed.added + changed.modified + changed.deleted > 0) {
      result.modified.push(label);
      result.stats.added += changed.added;
      result.stats.modified += changed.modified;
      result.stats.deleted += changed.deleted;
    }
    if (p.wasMissing || changed.added + changed.modified + changed.deleted > 0 || p.ops.some((o) => o.kind === 'relink')) links.mark(p.out.rel, p.out.abs);
  }
  const order = (a: string, b: string) => {
    const da = a.endsWith('/') ? 0 : 1;
    const db = b.endsWith('/') ? 0 : 1;
    return da - db || compareCodePoints(a, b);
  };
  result.added.sort(order);
  result.modified.sort(order);
  result.deleted.sort(order);
  result.failed.sort(compareCodePoints);
  if (result.failed.length && !opts.allowMissing) {
    throw Object.assign(
      dvcError('CHECKOUT_FAILED', `Checkout failed for following targets:\n${result.failed.join('\n')}\nIs your cache up to date?\n<https://error.dvc.org/missing-files>`, {
        hint: 'fetch the missing data with `momo pull` (or `momo fetch` then `momo checkout`)',
        exitCode: EXIT.UNEXPECTED,
        data: { failed: result.failed },
      }),
      { result },
    );
  }
  return result;
}

function norm(repo: Repo, cwd: string, t: string): string {
  return relative(repo.root, resolve(cwd, t)).split(sep).join('/');
}

async function planOut(repo: Repo, out: TrackedOut, relink: boolean, jobs?: number, only?: string[]): Promise<OutPlan | undefined> {
  const inScope = (p: string) => !only || only.some((o) => p === o || p.startsWith(o + '/'));
  const md5 = out.entry.md5!;
  const legacy = out.legacy;
  const isDir = md5.endsWith('.dir');
  const hashOpts = { state: repo.state, walk: (d: string) => repo.walker.walk(d), root: repo.root, name: legacy ? ('md5-dos2unix' as const) : ('md5' as const), jobs };
  let lst: fs.Stats | undefined;
  try {
    lst = fs.lstatSync(out.abs);
  } catch {
    lst = undefined;
  }
  if (!isDir) {
    if (!repo.odb.check(md5, legacy)) return undefined;
    const empty = out.entry.size === 0;
    if (!lst) return { out, ops: [{ kind: 'add', abs: out.abs, md5, legacy, empty, isexec: out.entry.isexec }], wasMissing: true, isDir: false };
    if (lst.isDirectory()) {
      const files = repo.walker.walk(out.abs);
      const hashed = await hashFiles(files.map((f) => ({ abs: join(out.abs, f.rel), st: f.st })), hashOpts);
      const ops: FileOp[] = files.map((f, i) => ({ kind: 'delete', abs: join(out.abs, f.rel), current: hashed[i].md5 }));
      ops.push({ kind: 'add', abs: out.abs, md5, legacy, empty, isexec: out.entry.isexec });
      return { out, ops, wasMissing: false, isDir: false, replaceKind: true };
    }
    const st = fs.statSync(out.abs);
    const [cur] = await hashFiles([{ abs: out.abs, st }], hashOpts);
    if (cur.md5 !== md5) return { out, ops: [{ kind: 'modify', abs: out.abs, md5, legacy, empty, isexec: out.entry.isexec, current: cur.md5 }], wasMissing: false, isDir: false };
    if (out.entry.isexec && (st.mode & 0o100) === 0) return { out, ops: [{ kind: 'chmod', abs: out.abs }], wasMissing: false, isDir: false };
    if (relink) return { out, ops: [{ kind: 'relink', abs: out.abs, md5, legacy, empty, isexec: out.entry.isexec }], wasMissing: false, isDir: false };
    return { out, ops: [], wasMissing: false, isDir: false };
  }
  const all = repo.odb.check(md5, legacy) ? readManifest(repo, md5, legacy) : undefined;
  if (!all) return undefined;
  const entries = all.filter((e) => inScope(e.relpath));
  for (const e of entries) if (!repo.odb.check(e.md5, legacy)) return undefined;
  const ops: FileOp[] = [];
  if (!lst) {
    for (const e of entries) ops.push(addOp(out, e, legacy));
    return { out, ops, wasMissing: true, isDir: true };
  }
  if (!lst.isDirectory()) {
    const st = fs.statSync(out.abs);
    const [cur] = await hashFiles([{ abs: out.abs, st }], hashOpts);
    ops.push({ kind: 'delete', abs: out.abs, current: cur.md5 });
    for (const e of entries) ops.push(addOp(out, e, legacy));
    return { out, ops, wasMissing: false, isDir: true, replaceKind: true };
  }
  const files = repo.walker.walk(out.abs);
  if (!relink && !only) {
    // the directory-level memo proves an unchanged directory without per-file work
    const hit = repo.dirMemo.get(out.rel, DirMemo.fingerprint(files), hashOpts.name);
    if (hit?.md5 === md5) return { out, ops: [], wasMissing: false, isDir: true };
  }
  const hashed = await hashFiles(files.map((f) => ({ abs: join(out.abs, f.rel), st: f.st })), hashOpts);
  const have = new Map(files.map((f, i) => [f.rel, hashed[i].md5]));
  const want = new Set<string>();
  for (const e of entries) {
    want.add(e.relpath);
    const cur = have.get(e.relpath);
    if (cur === undefined) ops.push(addOp(out, e, legacy));
    else if (cur !== e.md5) ops.push({ ...addOp(out, e, legacy), kind: 'modify', current: cur });
    else if (relink) ops.push({ ...addOp(out, e, legacy), kind: 'relink' });
  }
  for (const f of files) if (!want.has(f.rel) && inScope(f.rel)) ops.push({ kind: 'delete', abs: join(out.abs, f.rel), current: have.get(f.rel) });
  return { out, ops, wasMissing: false, isDir: true };
}

function addOp(out: TrackedOut, e: TreeEntry, legacy: boolean): FileOp {
  return { kind: 'add', abs: join(out.abs, e.relpath), md5: e.md5, legacy, empty: e.size === 0 ? true : undefined };
}

function applyPlan(repo: Repo, p: OutPlan): { added: number; modified: number; deleted: number } {
  const n = { added: 0, modified: 0, deleted: 0 };
  const types: LinkType[] = [...repo.odb.types];
  const made = new Set<string>();
  const ensureDir = (d: string) => {
    if (made.has(d)) return;
    fs.mkdirSync(d, { recursive: true });
    made.add(d);
  };
  // deletions first, then directories that became empty (deepest first)
  const emptied = new Set<string>();
  for (const op of p.ops) {
    if (op.kind !== 'delete') continue;
    fs.rmSync(op.abs, { force: true });
    n.deleted++;
    for (let d = dirname(op.abs); d.length > p.out.abs.length; d = dirname(d)) emptied.add(d);
  }
  for (const d of [...emptied].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(d);
    } catch {
      // not empty: keep it
    }
  }
  if (p.replaceKind && fs.existsSync(p.out.abs) && p.isDir !== fs.lstatSync(p.out.abs).isDirectory()) fs.rmSync(p.out.abs, { recursive: true, force: true });
  if (p.isDir) ensureDir(p.out.abs);
  for (const op of p.ops) {
    if (op.kind === 'delete') continue;
    if (op.kind === 'chmod') {
      fs.chmodSync(op.abs, fs.statSync(op.abs).mode | 0o100);
      n.modified++;
      continue;
    }
    ensureDir(dirname(op.abs));
    repo.odb.link(op.md5!, op.abs, Boolean(op.legacy), types, op.empty);
    if (op.isexec) fs.chmodSync(op.abs, fs.statSync(op.abs).mode | 0o100);
    // the file's hash is known: remember it, so the next status/checkout does not re-read it
    repo.state.set(op.abs.slice(repo.root.length + 1), fs.statSync(op.abs), op.md5!, op.legacy ? 'md5-dos2unix' : 'md5');
    if (op.kind === 'add') n.added++;
    else if (op.kind === 'modify') n.modified++;
  }
  return n;
}
