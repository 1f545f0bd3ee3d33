import * as fs from 'node:fs';
import { resolve, relative, dirname, basename, join, sep, posix } from 'node:path';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex, isSubPath, type TrackedOut, type DvcFileStage } from '../repo/index.js';
import { hashOutput, type OutputHash } from '../hashing/hash-output.js';
import { computeDirHash, parseDirManifest, type TreeEntry } from '../hashing/dir-manifest.js';
import { computeDvcFileData, type OutEntry } from '../models/dvcfile.js';
import { dumpYaml } from '../yaml/dump.js';
import { relinkOutput, storeManifest } from '../repo/output-ops.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { DVC_DIR, DVC_FILE_SUFFIX, PROJECT_FILE } from '../constants.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { expandGlobs } from '../repo/glob-targets.js';
import { withOperation } from '@momo/errors';
import { dvcignoreInOutputError } from '../ignore/dvcignore.js';

export interface AddOptions extends RepoOptions {
  /** files or directories to track */
  targets: string[];
  /** hash and write the .dvc file without copying data into the cache */
  noCommit?: boolean;
  /** expand wildcards in targets (`**` recursive) */
  glob?: boolean;
  /** hashing threads (default: cores) */
  jobs?: number;
  /**
   * `-o/--out`: copy one target (a file or directory anywhere, e.g. outside the repo) to this
   * path inside the repo and track it there
   */
  out?: string;
  /** files hashed so far / total, per target */
  onProgress?: (event: { target: string; done: number; total: number }) => void;
}

export interface AddedOutput {
  /** target as repo-relative POSIX path */
  path: string;
  /** repo-relative `.dvc` file written */
  dvcfile: string;
  md5: string;
  size: number;
  nfiles?: number;
}

export interface AddResult {
  added: AddedOutput[];
  /** files the user should `git add` (absolute), unless `autostaged` */
  gitFiles: string[];
  /** true when core.autostage staged them */
  autostaged: boolean;
  /** warnings to show (e.g. empty directory) */
  warnings: string[];
}

interface Plan {
  abs: string;
  rel: string;
  /** the `.dvc` file (repo-relative) */
  dvcfile: string;
  /** an existing out this target lives inside (granular add) */
  parent?: TrackedOut;
  /** the existing out with exactly this path */
  existing?: TrackedOut;
}

/**
 * Tracks files or directories with `.dvc` files, like `dvc add` (dvc/repo/add.py, spec §6.4):
 * hash, store in the cache (unless `noCommit`), relink, git-ignore, write `<target>.dvc` next to
 * the target. Every target is validated before anything is written.
 * @throws OUTPUT_TRACKED_BY_SCM, OUTPUT_IS_DVCFILE, PATH_OUTSIDE_REPO, TARGET_NOT_FOUND, PATH_IGNORED,
 *   OUTPUT_OVERLAPPING, DVCFILE_INVALID, DVCIGNORE_IN_OUTPUT
 * @example
 * const r = await add({ cwd: '/repo', targets: ['data'] });
 * r.added[0].dvcfile; // 'data.dvc'
 */
export async function add(opts: AddOptions): Promise<AddResult> {
  return withOperation('add', () =>
    Repo.withRepo(opts, 'write', async (repo) => {
      let targets = opts.glob ? expandGlobs(repo, opts.cwd, opts.targets) : opts.targets;
      if (opts.out !== undefined) targets = [importToOut(repo, opts.cwd, targets, opts.out)];
      const index = loadIndex(repo);
      const plans = targets.map((t) => planTarget(repo, opts.cwd, t, index.outs));
      checkPlans(repo, plans, index.outs);
      const result: AddResult = { added: [], gitFiles: [], autostaged: false, warnings: [] };
      const gitFiles = new Set<string>();
      for (const plan of plans) {
        const out = await addOne(repo, plan, opts, result.warnings);
        result.added.push(out);
        gitFiles.add(join(repo.root, out.dvcfile));
      }
      for (const plan of plans) {
        if (plan.parent) continue;
        const gi = repo.scm.ignore(plan.abs);
        if (gi) gitFiles.add(gi);
      }
      result.gitFiles = [...gitFiles];
      if (repo.scm.enabled && repo.settings.autostage && result.gitFiles.length) {
        repo.scm.add(result.gitFiles);
        result.autostaged = true;
      }
      return result;
    }),
  );
}

/**
 * `add -o`: brings external data to `out` in the workspace (dvc/repo/add.py with `out`): one
 * target only, the destination's directory must exist, nothing is overwritten. The copy goes to a
 * temp sibling first and is renamed into place, so an interrupted add leaves no half copy.
 */
function importToOut(repo: Repo, cwd: string, targets: string[], out: string): string {
  if (targets.length !== 1) {
    throw dvcError('USAGE_INVALID', "multiple targets can't be used with --out", { hint: 'run one `momo add <source> -o <dest>` per source' });
  }
  const src = resolve(cwd, targets[0]);
  const dest = resolve(cwd, out);
  if (!fs.existsSync(src)) throw dvcError('TARGET_NOT_FOUND', `output '${targets[0]}' does not exist`, { hint: 'check the source path' });
  const destDir = dirname(dest);
  if (!fs.existsSync(destDir)) {
    throw dvcError('TARGET_NOT_FOUND', `stage working dir '${destDir}' does not exist`, { hint: `create it first: mkdir -p ${relative(cwd, destDir) || '.'}` });
  }
  const rel = relative(repo.root, dest);
  if (rel.startsWith('..') || resolve(rel) === rel) {
    throw dvcError('PATH_OUTSIDE_REPO', `Cached output(s) outside of DVC project: ${out}.`, { hint: 'choose a destination inside the repository' });
  }
  if (fs.existsSync(dest)) {
    throw dvcError('OUTPUT_EXISTS', `'${out}' already exists`, { hint: 'remove it or choose another destination' });
  }
  const tmp = join(destDir, `.${basename(dest)}.${process.pid}.momo.tmp`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.cpSync(src, tmp, { recursive: true, dereference: true });
  fs.renameSync(tmp, dest);
  return dest;
}

function planTarget(repo: Repo, cwd: string, target: string, outs: TrackedOut[]): Plan {
  const abs = resolve(cwd, target);
  const relFs = relative(repo.root, abs);
  if (relFs === '' || relFs.startsWith('..') || resolve(relFs) === relFs) {
    throw dvcError(
      'PATH_OUTSIDE_REPO',
      `Cached output(s) outside of DVC project: ${target}. See <https://dvc.org/doc/user-guide/pipelines/external-dependencies-and-outputs> for more info.`,
      { hint: 'move the data inside the repository, or use `momo add -o <path-in-repo>`', data: { target } },
    );
  }
  const rel = relFs.split(sep).join('/');
  if (rel === DVC_DIR || rel.startsWith(DVC_DIR + '/')) {
    throw dvcError('PATH_INSIDE_DVC_DIR', `'${target}' is inside '.dvc/', which DVC manages itself`, {
      hint: 'track data outside the .dvc directory',
    });
  }
  const name = basename(abs);
  if (name.endsWith(DVC_FILE_SUFFIX) || name === PROJECT_FILE) {
    throw dvcError('OUTPUT_IS_DVCFILE', `DVC file '${target}' cannot be an output.`, {
      hint: 'add the data file itself, not its .dvc file',
    });
  }
  const parentDir = dirname(abs);
  if (!fs.existsSync(parentDir)) {
    throw dvcError('TARGET_NOT_FOUND', `file path '${parentDir}' does not exist`, { hint: 'check the target path' });
  }
  // a symlinked directory anywhere between the root and the target is refused (dvc/repo/add.py)
  let probe = repo.root;
  for (const part of rel.split('/').slice(0, -1)) {
    probe = join(probe, part);
    if (fs.lstatSync(probe).isSymbolicLink()) throw symlinkedDir();
  }
  let lst: fs.Stats;
  try {
    lst = fs.lstatSync(abs);
  } catch {
    throw dvcError('TARGET_NOT_FOUND', `output '${target}' does not exist`, { hint: 'check the path, or create the data first' });
  }
  if (lst.isSymbolicLink()) {
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      throw dvcError('TARGET_NOT_FOUND', `output '${target}' does not exist (broken symlink)`, { hint: 'fix or remove the symlink' });
    }
    if (st.isDirectory()) throw symlinkedDir();
  }
  const existing = outs.find((o) => o.rel === rel);
  const parent = existing ? undefined : outs.find((o) => isSubPath(rel, o.rel));
  const owner = parent ?? existing;
  if (owner && owner.source.kind !== 'dvcfile') {
    // a pipeline output (or a path inside one): same refusal for both (observed with DVC 3.67.1)
    const stageName = owner.source.name;
    throw dvcError(
      'OUTPUT_OVERLAPPING',
      `cannot update '${name}': overlaps with an output of stage: '${stageName}' in '${owner.dvcfile}'.\nRun the pipeline or use 'dvc commit' to force update it.`,
      { hint: `run \`momo repro\` or \`momo commit ${owner.stage}\`` },
    );
  }
  const dvcfile = parent ? parent.dvcfile : existing ? existing.dvcfile : posix.join(posix.dirname(rel), name + DVC_FILE_SUFFIX).replace(/^\.\//, '');
  return { abs, rel, dvcfile, parent, existing };
}

function symlinkedDir() {
  return dvcError(
    'TARGET_NOT_FOUND',
    'Cannot add files inside symlinked directories to DVC. See <https://dvc.org/doc/user-guide/troubleshooting#add-symlink> for more information.',
    { hint: 'add the real directory the symlink points to' },
  );
}

function checkPlans(repo: Repo, plans: Plan[], outs: TrackedOut[]): void {
  for (const p of plans) {
    const ignored = repo.ignore.ignoredPathError(p.abs, EXIT.FAILED);
    if (ignored) throw ignored;
    const inner = outs.find((o) => o.rel !== p.rel && isSubPath(o.rel, p.rel));
    if (inner && !p.parent) {
      throw dvcError(
        'OUTPUT_OVERLAPPING',
        `Cannot add '${p.rel}', because it is overlapping with other DVC tracked output: '${inner.rel}'.\nTo include '${inner.rel}' in '${p.rel}', run 'dvc remove ${inner.dvcfile}' and then 'dvc add ${p.rel}'`,
        { hint: `run \`momo remove ${inner.dvcfile}\` and then \`momo add ${p.rel}\`` },
      );
    }
  }
  const tracked = repo.scm.tracked(plans.map((p) => p.rel));
  plans.forEach((p, i) => {
    if (!tracked[i]) return;
    throw dvcError(
      'OUTPUT_TRACKED_BY_SCM',
      ` output '${p.rel}' is already tracked by SCM (e.g. Git).\n    You can remove it from Git, then add to DVC.\n        To stop tracking from Git:\n            git rm -r --cached '${p.rel}'\n            git commit -m "stop tracking ${p.rel}"`,
      { hint: `run \`git rm -r --cached '${p.rel}'\` first` },
    );
  });
  const ignoredDvcfiles = repo.scm.ignored(plans.map((p) => p.dvcfile));
  plans.forEach((p, i) => {
    if (!ignoredDvcfiles[i] || p.parent || p.existing) return;
    throw dvcError('DVCFILE_NAME_INVALID', `bad DVC file name '${p.dvcfile}' is git-ignored.`, {
      hint: `change .gitignore so that '${p.dvcfile}' is not ignored (the seed's \`*.dvc\` line hides every pointer file)`,
    });
  });
  for (const p of plans) {
    const st = fs.statSync(p.abs);
    if (!st.isDirectory()) continue;
    const inside = repo.walker.dvcignoresInside(p.abs);
    if (inside.length) {
      throw dvcignoreInOutputError(p.abs);
    }
  }
}

async function addOne(repo: Repo, plan: Plan, opts: AddOptions, warnings: string[]): Promise<AddedOutput> {
  const onProgress = opts.onProgress ? (done: number, total: number) => opts.onProgress!({ target: plan.rel, done, total }) : undefined;
  const hashOpts = {
    state: repo.state,
    dirMemo: repo.dirMemo,
    walk: (d: string) => repo.walker.walk(d),
    root: repo.root,
    jobs: opts.jobs ?? repo.settings.checksumJobs,
    storeObjects: opts.noCommit ? undefined : repo.odb.objectsDir,
    dirMode: repo.odb.dirMode,
    onProgress,
  };
  const h = (await hashOutput(plan.abs, hashOpts)) as OutputHash;
  if (!opts.noCommit) storeManifest(repo, h);
  if (h.isDir && h.nfiles === 0) warnings.push(`'${plan.rel}' is empty.`);
  const dvcfileAbs = join(repo.root, plan.dvcfile);
  const source = plan.parent?.source ?? plan.existing?.source;

  if (plan.parent) {
    // granular add: update the parent directory's manifest at this path only
    const parent = plan.parent;
    const prefix = plan.rel.slice(parent.rel.length + 1);
    let entries: TreeEntry[] = [];
    if (parent.entry.md5?.endsWith('.dir')) {
      try {
        entries = parseDirManifest(repo.odb.read(parent.entry.md5, parent.legacy), parent.entry.md5);
      } catch {
        entries = [];
      }
    }
    entries = entries.filter((e) => e.relpath !== prefix && !e.relpath.startsWith(prefix + '/'));
    if (h.isDir) for (const e of h.tree ?? []) entries.push({ relpath: `${prefix}/${e.relpath}`, md5: e.md5, size: e.size });
    else entries.push({ relpath: prefix, md5: h.md5, size: h.size });
    // sizes of entries we did not re-hash come from the workspace (or stay unknown)
    for (const e of entries) {
      if (e.size === undefined) {
        try {
          e.size = fs.statSync(join(parent.abs, e.relpath)).size;
        } catch {
          e.size = 0;
        }
      }
    }
    const dir = computeDirHash(entries);
    if (!opts.noCommit) repo.odb.addBytes(dir.md5, dir.manifest);
    const newEntry: OutEntry = { ...parent.entry, md5: dir.md5, size: dir.size, nfiles: dir.nfiles, hash: 'md5', isexec: undefined };
    writeDvcFile(repo, dvcfileAbs, parent, newEntry);
    if (!opts.noCommit) relinkOutput(repo, plan.abs, h);
    return { path: parent.rel, dvcfile: plan.dvcfile, md5: dir.md5, size: dir.size, nfiles: dir.nfiles };
  }

  const prev = plan.existing?.entry;
  const entry: OutEntry = {
    ...(prev ?? {}),
    path: prev?.path ?? basename(plan.abs),
    md5: h.md5,
    size: h.size,
    nfiles: h.isDir ? h.nfiles : undefined,
    isexec: h.isDir ? undefined : h.isexec,
    hash: 'md5',
  };
  writeDvcFile(repo, dvcfileAbs, plan.existing, entry, source ? undefined : true);
  if (!opts.noCommit) {
    relinkOutput(repo, plan.abs, h);
    repo.links.mark(plan.rel, plan.abs);
  }
  return { path: plan.rel, dvcfile: plan.dvcfile, md5: h.md5, size: h.size, nfiles: h.nfiles };
}

function writeDvcFile(repo: Repo, file: string, existing: TrackedOut | undefined, entry: OutEntry, fresh?: boolean): void {
  let data: Record<string, unknown>;
  if (!existing || fresh) {
    data = computeDvcFileData([entry]);
  } else {
    const source = existing.source as DvcFileStage;
    const outs = source.model.outs.map((o, i) => (i === existing.index ? entry : o));
    data = computeDvcFileData(outs, source.model);
  }
  writeFileAtomic(file, dumpYaml(data));
}
