import { join, relative, sep, resolve } from 'node:path';
import { isMomoError, withOperation, type MomoError } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex, outsOfStages, type IndexStage, type RepoIndex, type DvcFileStage, type TrackedOut } from '../repo/index.js';
import type { PipelineStageEntry } from '../repo/pipeline-index.js';
import { collectTargets, addressOf } from '../repo/targets.js';
import { buildIndexGraph } from '../repo/index-graph.js';
import { activeGraph, planOrder, reachable, type StageGraph } from '../planning/dag.js';
import {
  createStatusContext,
  closeStatusContext,
  isStageChanged,
  isCmdChanged,
  isCallback,
  depStatus,
  paramsStatus,
  hashDependency,
  type StatusContext,
} from '../planning/stage-status.js';
import { isOutInCache } from '../planning/out-status.js';
import { acquireRepoLock, type RepoLock } from '../managers/repo-lock.js';
import { acquireRwlock, type Rwlock } from '../managers/rwlock.js';
import { RunCache, computeRunCacheHashes } from '../managers/run-cache.js';
import { createNodeProcessRunner, type ProcessRunner } from '../runner/process-runner.js';
import { saveDeps, saveParams, saveStage, storeUncachedOuts, writeLockEntry, removeOuts, checkoutRecorded, outputMissing, commandsOf, isRunCacheEligible } from '../repo/stage-save.js';
import { buildLockStage, lockParamsFor, type LockStage, type LockEntry } from '../models/lockfile.js';
import { commitOutputData, entryFromHash, rewriteDvcFile } from '../repo/commit-out.js';
import type { OutEntry } from '../models/dvcfile.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { LOCK_FILE_NAME, PROJECT_FILE } from '../constants.js';
import { humanJoin } from '../models/templating/context.js';
import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';

/** Progress of a repro, for the CLI, the Nx executor and the web page. */
export type ReproEvent =
  /** a line DVC would log (`info` to stdout, `warning` to stderr as `WARNING: …`) */
  | { type: 'log'; level: 'info' | 'warning'; message: string; stage?: string }
  /** output of a stage's command (only with `output: 'events'`) */
  | { type: 'output'; stage: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'stage-started'; stage: string }
  | { type: 'stage-skipped'; stage: string; reason: 'unchanged' | 'upstream-failed' }
  | { type: 'stage-restored'; stage: string }
  | { type: 'stage-finished'; stage: string; result: 'ran' | 'restored' | 'verified' | 'dry' }
  | { type: 'stage-failed'; stage: string; message: string };

export interface ReproOptions extends RepoOptions {
  /** stage names, `file:name`, dvc.yaml/.dvc paths, group names; default `dvc.yaml` in the CWD */
  targets?: string[];
  /** `-f`: reproduce even unchanged stages (all planned stages, upstream included) */
  force?: boolean;
  /** `-s`: only the targets, in the given order, no graph */
  singleItem?: boolean;
  /** `-p`: the whole pipelines containing the targets */
  pipeline?: boolean;
  /** `-P`: every stage of every pipeline */
  allPipelines?: boolean;
  /** `-R`: directory targets select every stage inside them */
  recursive?: boolean;
  /** `--glob`: stage names are fnmatch patterns */
  glob?: boolean;
  /** `--downstream`: the targets and the stages that depend on them */
  downstream?: boolean;
  /** `--force-downstream`: a stage that ran forces its direct dependents */
  forceDownstream?: boolean;
  /** `--dry`: print what would run, change nothing */
  dry?: boolean;
  /** `-k`: on failure skip the failed stage's dependents and go on */
  keepGoing?: boolean;
  /** `--ignore-errors`: on failure go on with everything */
  ignoreErrors?: boolean;
  /** `--no-commit`: do not store outputs in the cache (and save no run-cache entry) */
  noCommit?: boolean;
  /** `--no-run-cache`: do not look outputs up in the run-cache */
  noRunCache?: boolean;
  /** `--allow-missing`: missing data does not make a stage changed */
  allowMissing?: boolean;
  /** `-i`: ask before each stage (also `core.interactive`); needs `confirm` */
  interactive?: boolean;
  confirm?: (message: string) => Promise<boolean>;
  /** momo extension `-j N`: run up to N independent stages at once (default 1, DVC's behaviour) */
  jobs?: number;
  /** threads for hashing */
  hashJobs?: number;
  /** runs the commands (default: the user's shell via child_process) */
  runner?: ProcessRunner;
  /** `inherit`: commands write to our stdout/stderr; `events` (default): `output` events */
  output?: 'inherit' | 'events';
  onEvent?: (event: ReproEvent) => void;
  /** aborts running commands and stops planning new ones */
  signal?: AbortSignal;
  /** the command line recorded in `.dvc/tmp/rwlock` (DVC records its argv) */
  commandLine?: string;
}

export interface ReproResult {
  /** addressing (relative to the CWD) of the stages that were reproduced, in order */
  stages: string[];
  /** files to `git add` (absolute): dvc.lock, .gitignore and .dvc files that changed */
  gitFiles: string[];
  /** true when `core.autostage` staged them */
  autostaged: boolean;
  /** WARNING lines (also sent as events) */
  warnings: string[];
}

/** Engine work runs one piece at a time under the repo lock; commands run with it released (§14.1). */
class EngineLock {
  private chain: Promise<unknown> = Promise.resolve();
  private held?: RepoLock;
  private running = 0;
  constructor(
    private readonly file: string,
    private readonly wait: boolean,
  ) {}

  /** Runs `fn` exclusively with the repo lock held. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(async () => {
      if (!this.held) this.held = await acquireRepoLock({ file: this.file, wait: this.wait });
      try {
        return await fn();
      } finally {
        if (this.running > 0 && this.held) {
          await this.held.release();
          this.held = undefined;
        }
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Runs a command with the repo lock released (re-taken afterwards). */
  async unlocked<T>(fn: () => Promise<T>): Promise<T> {
    await this.run(async () => {
      this.running++;
    });
    try {
      return await fn();
    } finally {
      await this.run(async () => {
        this.running--;
      });
    }
  }

  async close(): Promise<void> {
    await this.chain;
    await this.held?.release();
    this.held = undefined;
  }
}

class StageNotCached extends Error {}

/**
 * Reproduces pipeline stages like `dvc repro` (dvc/repo/reproduce.py, dvc/stage/run.py,
 * dvc/stage/cache.py; spec §11.5–11.7, E3, E16, E26): plans the stages (targets plus upstream,
 * frozen stages cut off), skips unchanged ones, restores from the run-cache when it can, else
 * deletes the outputs and runs the command through the shell with the repo lock released and the
 * stage's paths held in `.dvc/tmp/rwlock`; then hashes and commits the outputs, saves a
 * run-cache entry and writes the stage's `dvc.lock` entry immediately.
 * momo extension: `jobs` > 1 runs independent stages in parallel (never two writers to one path).
 * @throws REPRO_FAILED ("failed to reproduce 'train': failed to run: …, exited with 1", exit 255),
 *   DVCFILE_NOT_FOUND, STAGE_NOT_FOUND, PIPELINE_CYCLE, OUTPUT_DUPLICATED, OUTPUT_OVERLAPPING, …
 * @example
 * const r = await repro({ cwd: '/repo', targets: ['train'], onEvent: (e) => console.log(e) });
 * r.stages; // ['prepare', 'train']
 */
export async function repro(opts: ReproOptions): Promise<ReproResult> {
  return withOperation('repro', async () => {
    const repo = Repo.open({ cwd: opts.cwd, env: opts.env });
    const engine = new EngineLock(join(repo.tmpDir, LOCK_FILE_NAME), Boolean(opts.waitForLock));
    const session = new ReproSession(repo, engine, opts);
    let ok = false;
    try {
      const result = await engine.run(() => session.plan());
      const r = await session.execute(result);
      ok = true;
      return r;
    } finally {
      await engine.run(async () => {
        if (!ok) session.undoIgnores();
        closeStatusContext(session.ctx);
        repo.state.save();
        repo.links.save();
      });
      await engine.close();
    }
  });
}

interface Plan {
  steps: IndexStage[];
  graph?: StageGraph;
  position: Map<IndexStage, number>;
}

class ReproSession {
  readonly ctx: StatusContext;
  private readonly cwd: string;
  private readonly runner: ProcessRunner;
  private readonly runCache: RunCache;
  private index!: RepoIndex;
  private readonly warnings: string[] = [];
  private readonly gitFiles = new Set<string>();
  private readonly ignored: string[] = [];
  private readonly interactive: boolean;

  constructor(
    readonly repo: Repo,
    private readonly engine: EngineLock,
    private readonly opts: ReproOptions,
  ) {
    this.cwd = opts.cwd;
    this.ctx = createStatusContext(repo, opts.cwd, opts.hashJobs);
    this.runner = opts.runner ?? createNodeProcessRunner();
    this.runCache = new RunCache(repo.odb.cacheDir);
    this.interactive = Boolean(opts.interactive ?? repo.settings.config.core.interactive);
  }

  private emit(e: ReproEvent): void {
    if (e.type === 'log' && e.level === 'warning') this.warnings.push(e.message);
    this.opts.onEvent?.(e);
  }

  private info(message: string, stage?: string): void {
    this.emit({ type: 'log', level: 'info', message, stage });
  }

  private warn(message: string, stage?: string): void {
    this.emit({ type: 'log', level: 'warning', message, stage });
  }

  private address(s: IndexStage): string {
    return addressOf(this.repo, this.cwd, s);
  }

  async plan(): Promise<Plan> {
    const opts = this.opts;
    this.index = loadIndex(this.repo);
    for (const p of this.index.pipelines) {
      for (const w of p.warnings) this.warn(w);
      if (p.extensions.length) this.warn(`'${relative(this.cwd, join(this.repo.root, p.path)).split(sep).join('/')}' uses momo extensions (${p.extensions.join(', ')}): real DVC cannot reproduce these stages`);
    }
    let singleItem = Boolean(opts.singleItem);
    let downstream = Boolean(opts.downstream);
    if (opts.allPipelines || opts.pipeline) {
      singleItem = false;
      downstream = false;
    }
    let stages: IndexStage[] = [];
    if (!opts.allPipelines) {
      const targets = opts.targets?.length ? opts.targets : [PROJECT_FILE];
      if (!opts.targets?.length && !existsSync(resolve(this.cwd, PROJECT_FILE))) {
        throw dvcError('DVCFILE_NOT_FOUND', `'${resolve(this.cwd, PROJECT_FILE)}' does not exist`, {
          hint: 'run momo repro where a dvc.yaml is, or name the stages to reproduce',
          exitCode: EXIT.UNEXPECTED,
        });
      }
      stages = collectTargets(this.repo, this.index, this.cwd, targets, { recursive: opts.recursive, glob: opts.glob }).map((s) => s.stage);
      stages = [...new Set(stages)];
    }
    if (singleItem) return { steps: stages, position: new Map() };
    const ig = buildIndexGraph(this.repo, this.index, this.cwd);
    const graph = activeGraph(ig.graph, ig.inputs);
    const ids = opts.allPipelines ? undefined : stages.map((s) => ig.position.get(s)!);
    const order = planOrder(graph, ids, { downstream, pipeline: opts.pipeline });
    return { steps: order.map((i) => this.index.all[i]!), graph, position: ig.position };
  }

  async execute(plan: Plan): Promise<ReproResult> {
    const opts = this.opts;
    const onError = opts.ignoreErrors ? 'ignore' : opts.keepGoing ? 'keep-going' : 'fail';
    const jobs = Math.max(1, Math.floor(opts.jobs ?? 1));
    const steps = plan.steps;
    const graph = plan.graph;
    const pos = (s: IndexStage) => plan.position.get(s);
    const inPlan = new Set(steps);
    const force = new Map<IndexStage, boolean>(steps.map((s) => [s, Boolean(opts.force)]));
    const result: IndexStage[] = [];
    const failed: IndexStage[] = [];
    const toSkip = new Set<IndexStage>();
    const finished = new Set<IndexStage>();
    let lastRet = false;
    let started = 0;
    let fatal: MomoError | undefined;
    const upstreamOf = (s: IndexStage): IndexStage[] => (graph && pos(s) !== undefined ? graph.edges[pos(s)!]!.map((i) => this.index.all[i]!) : []);
    const downstreamOf = (s: IndexStage): IndexStage[] => (graph && pos(s) !== undefined ? graph.dependents[pos(s)!]!.map((i) => this.index.all[i]!) : []);
    const running = new Map<IndexStage, Promise<void>>();
    const busy = new Map<IndexStage, { read: string[]; write: string[] }>();

    const processOne = async (stage: IndexStage) => {
      const addr = this.address(stage);
      const forced = force.get(stage)!;
      try {
        // DVC prints a blank line after a reproduced stage (E16); with -j N every block after the first gets one
        const blankLine = jobs > 1 ? started++ > 0 : lastRet;
        const ret = await this.reproduceStage(stage, { force: forced, upstream: upstreamOf(stage), blankLine });
        if (ret) {
          lastRet = true;
          result.push(stage);
        } else lastRet = false;
        if (opts.forceDownstream && (ret || forced)) for (const d of downstreamOf(stage)) force.set(d, true);
      } catch (e) {
        failed.push(stage);
        const message = errorText(e);
        this.emit({ type: 'stage-failed', stage: addr, message });
        if (onError === 'fail') {
          fatal ??= reproError([addr], e);
          return;
        }
        await this.engine.run(async () => {
          this.warn(`${message}${onError === 'ignore' ? ' (ignored)' : ''}`, addr);
          if (onError === 'ignore' || !graph) return;
          const dependents = [...reachable(graph, [pos(stage)!], true)].filter((i) => i !== pos(stage)).map((i) => this.index.all[i]!);
          const names = steps.filter((s) => dependents.includes(s)).map((s) => `'${this.address(s)}'`);
          for (const d of dependents) toSkip.add(d);
          if (names.length) this.warn(`${names.length > 1 ? 'Stages' : 'Stage'} ${humanJoin(names)} will be skipped due to this failure`, addr);
        });
      } finally {
        finished.add(stage);
      }
    };

    if (jobs === 1) {
      for (const stage of steps) {
        if (fatal || opts.signal?.aborted) break;
        if (toSkip.has(stage)) {
          this.emit({ type: 'stage-skipped', stage: this.address(stage), reason: 'upstream-failed' });
          continue;
        }
        await processOne(stage);
      }
    } else {
      // momo extension: a stage starts once its planned upstream finished, never while a running
      // stage reads or writes an overlapping path
      const pending = [...steps];
      const pathsOf = (s: IndexStage) => {
        const outs = s.kind === 'pipeline' ? s.outs : outsOfStages(this.repo, [s]);
        const reads = s.kind === 'pipeline' ? [...s.deps, ...s.params].filter((d) => d.abs).map((d) => d.abs!) : [];
        return { read: reads, write: outs.map((o) => o.abs) };
      };
      const conflicts = (a: { read: string[]; write: string[] }) => {
        for (const b of busy.values()) {
          for (const w of a.write) if ([...b.read, ...b.write].some((p) => overlapsPath(p, w))) return true;
          for (const r of a.read) if (b.write.some((p) => overlapsPath(p, r))) return true;
        }
        return false;
      };
      while (pending.length || running.size) {
        if (!fatal && !opts.signal?.aborted) {
          for (let i = 0; i < pending.length && running.size < jobs; ) {
            const s = pending[i]!;
            if (toSkip.has(s)) {
              pending.splice(i, 1);
              this.emit({ type: 'stage-skipped', stage: this.address(s), reason: 'upstream-failed' });
              continue;
            }
            const ups = upstreamOf(s).filter((u) => inPlan.has(u));
            if (!ups.every((u) => finished.has(u))) {
              i++;
              continue;
            }
            const paths = pathsOf(s);
            if (conflicts(paths)) {
              i++;
              continue;
            }
            pending.splice(i, 1);
            busy.set(s, paths);
            running.set(
              s,
              processOne(s).finally(() => {
                running.delete(s);
                busy.delete(s);
              }),
            );
          }
        } else pending.length = 0;
        if (!running.size) {
          if (pending.length && !fatal) {
            // every remaining stage waits on a failed/skipped upstream
            for (const s of pending) this.emit({ type: 'stage-skipped', stage: this.address(s), reason: 'upstream-failed' });
            pending.length = 0;
          }
          break;
        }
        await Promise.race(running.values());
      }
    }
    if (fatal) throw fatal;
    if (onError !== 'ignore' && failed.length) throw reproError(failed.map((s) => this.address(s)));
    let autostaged = false;
    const gitFiles = [...this.gitFiles];
    if (gitFiles.length && this.repo.scm.enabled && this.repo.settings.autostage && !opts.dry) {
      await this.engine.run(async () => this.repo.scm.add(gitFiles));
      autostaged = true;
    }
    return { stages: result.map((s) => this.address(s)), gitFiles: this.repo.scm.enabled ? gitFiles : [], autostaged, warnings: this.warnings };
  }

  /** Removes `.gitignore` entries added by a failed repro (DVC's scm_context on error). */
  undoIgnores(): void {
    for (const p of this.ignored) this.repo.scm.unignore(p);
  }

  /** `_reproduce_stage` + `Stage.reproduce`: returns true when the stage was reproduced. */
  private async reproduceStage(stage: IndexStage, o: { force: boolean; upstream: IndexStage[]; blankLine: boolean }): Promise<boolean> {
    const opts = this.opts;
    const addr = this.address(stage);
    const frozen = stage.kind === 'pipeline' ? stage.frozen : stage.model.raw.frozen === true;
    const proceed = await this.engine.run(async () => {
      if (o.blankLine) this.info('', addr);
      this.emit({ type: 'stage-started', stage: addr });
      if (frozen) this.warn(`stage: '${addr}' is frozen. Its dependencies are not going to be reproduced.`, addr);
      if (!o.force) {
        const changed = await isStageChanged(this.ctx, stage, { allowMissing: opts.allowMissing, upstream: o.upstream });
        if (!changed) {
          this.info(stage.kind === 'dvcfile' ? `'${addr}' didn't change, skipping` : `Stage '${addr}' didn't change, skipping`, addr);
          this.emit({ type: 'stage-skipped', stage: addr, reason: 'unchanged' });
          return false;
        }
      }
      return true;
    });
    if (!proceed) return false;
    if (this.interactive) {
      const yes = opts.confirm ? await opts.confirm(`Going to reproduce stage: '${addr}'. Are you sure you want to continue?`) : false;
      if (!yes) throw dvcError('REPRO_ABORTED', 'reproduction aborted by the user', { hint: 'answer yes, or run without -i', exitCode: EXIT.UNEXPECTED });
    }
    const how = stage.kind === 'dvcfile' ? await this.runDataSource(stage) : await this.runPipelineStage(stage, o.force);
    this.emit({ type: 'stage-finished', stage: addr, result: opts.dry ? 'dry' : how });
    return true;
  }

  /** A `.dvc` stage that changed: verify its data, re-hash, commit and rewrite the file. */
  private async runDataSource(stage: DvcFileStage): Promise<'verified'> {
    const addr = this.address(stage);
    if (this.opts.dry) return 'verified';
    await this.engine.run(async () => {
      this.info(`Verifying data sources in stage: '${addr}'`, addr);
      const outs = outsOfStages(this.repo, [stage]);
      this.checkMissing(outs);
      const replace = new Map<number, OutEntry>();
      for (const out of outs) {
        if (!out.cache) continue;
        const h = await commitOutputData(this.repo, out, { jobs: this.ctx.jobs, relink: !this.opts.noCommit });
        if (!h) throw outputMissing(this.ctx, out);
        replace.set(out.index, entryFromHash(out.entry, h));
        this.ignore(out.abs);
      }
      rewriteDvcFile(this.repo, stage, replace);
      this.gitFiles.add(join(this.repo.root, stage.path));
    });
    return 'verified';
  }

  private checkMissing(outs: readonly TrackedOut[]): void {
    const missing = outs.filter((o) => o.inRepo !== false && !existsSync(o.abs)).map((o) => relative(this.cwd, o.abs).split(sep).join('/'));
    if (missing.length) {
      throw dvcError('MISSING_DATA_SOURCE', `missing data '${missing.length > 1 ? 'sources' : 'source'}': ${missing.join(', ')}`, {
        hint: 'restore the data (`momo checkout`, `momo pull`) or unfreeze the stage',
        exitCode: EXIT.UNEXPECTED,
      });
    }
  }

  private ignore(abs: string): void {
    const gi = this.repo.scm.ignore(abs);
    if (gi) {
      this.gitFiles.add(gi);
      this.ignored.push(abs);
    }
  }

  /** `Stage.run` for a dvc.yaml stage. */
  private async runPipelineStage(s: PipelineStageEntry, force: boolean): Promise<'ran' | 'restored' | 'verified'> {
    const opts = this.opts;
    const addr = this.address(s);
    const cmds = commandsOf(s.stage.cmd);
    const state: { how: 'ran' | 'restored' | 'verified' } = { how: 'ran' };
    const rw = await this.engine.run(async () => {
      const r = opts.dry ? undefined : await this.lockPaths(s);
      try {
        if (!s.frozen && cmds.length && !opts.dry) removeOuts(this.repo, s);
        if (s.frozen || !cmds.length) {
          state.how = 'verified';
          if (!opts.dry) {
            this.info(`Verifying outputs in frozen stage: '${addr}'`, addr);
            this.checkMissing(s.outs);
          }
          return r;
        }
        if (!force) {
          const restored = await this.restore(s);
          if (restored && !opts.dry) state.how = 'restored';
          else if (!restored && !opts.dry) await saveDeps(this.ctx, s);
        }
        if (state.how === 'ran') this.info(`Running stage '${addr}':`, addr);
        return r;
      } catch (e) {
        await r?.release();
        throw e;
      }
    });
    try {
      if (state.how === 'ran') await this.runCommands(s, addr, cmds);
      if (!opts.dry) await this.engine.run(() => this.saveAfterRun(s, addr));
    } finally {
      if (rw) await this.engine.run(() => rw.release());
    }
    if (state.how === 'restored') this.emit({ type: 'stage-restored', stage: addr });
    return state.how;
  }

  private async lockPaths(s: PipelineStageEntry): Promise<Rwlock> {
    const read = [...s.deps, ...s.params].filter((d) => d.abs && !d.url).map((d) => d.abs!);
    const write = s.outs.map((o) => o.abs);
    return acquireRwlock({
      tmpDir: this.repo.tmpDir,
      cmd: this.opts.commandLine ?? 'momo repro',
      read: [...new Set([...read, ...write])],
      write: [...new Set(write)],
      cwd: this.cwd,
      warn: (m) => this.warn(m),
    });
  }

  private async runCommands(s: PipelineStageEntry, addr: string, cmds: string[]): Promise<void> {
    const opts = this.opts;
    const env: NodeJS.ProcessEnv = { ...(opts.env ?? {}) };
    if (env.DVC_ROOT === undefined) env.DVC_ROOT = this.repo.root;
    env.DVC_STAGE = addr;
    const cwd = s.wdir ? join(this.repo.root, s.wdir) : this.repo.root;
    for (const cmd of cmds) {
      await this.engine.run(async () => this.info(`> ${cmd}`, addr));
      if (opts.dry) continue;
      if (opts.signal?.aborted) throw dvcError('REPRO_ABORTED', 'interrupted by the user', { hint: 'run momo repro again', exitCode: 252 });
      const inherit = opts.output === 'inherit';
      const r = await this.engine.unlocked(() =>
        this.runner.run({
          command: cmd,
          cwd,
          env,
          stdio: inherit ? 'inherit' : 'pipe',
          onOutput: inherit ? undefined : (text, stream) => this.emit({ type: 'output', stage: addr, stream, text }),
          signal: opts.signal,
        }),
      );
      if (r.code !== 0) {
        const code = r.code ?? -(signalNumber(r.signal) ?? 1);
        throw dvcError('STAGE_CMD_FAILED', `failed to run: ${cmd}, exited with ${code}`, {
          hint: 'fix the command (run it by hand in the stage wdir to see why), then run momo repro again',
          exitCode: EXIT.UNEXPECTED,
          data: { cmd, code },
        });
      }
    }
  }

  /** Save (hash deps/outs), run-cache save, commit, dump the lock entry (`Stage.run` tail + dump). */
  private async saveAfterRun(s: PipelineStageEntry, addr: string): Promise<void> {
    const opts = this.opts;
    const commit = !opts.noCommit;
    const saved = await saveStage(this.ctx, s, { commit, strictKeys: false });
    for (const gi of saved.gitignores) this.gitFiles.add(gi);
    this.ignored.push(...saved.ignoredPaths);
    const noCacheOuts = s.outs.some((o) => !o.cache && !(o.out?.metric || o.out?.plot));
    if (commit && !noCacheOuts && isRunCacheEligible(s)) {
      await storeUncachedOuts(this.ctx, s);
      this.runCache.save(saved.entry, this.repo.odb.dirMode);
    }
    const w = writeLockEntry(this.repo, this.cwd, s, saved.entry);
    for (const m of w.messages) this.info(m, addr);
    if (w.modified) this.gitFiles.add(w.path);
    // the stage's outputs now match the lock: refresh the index entries other stages look at
    for (const o of s.outs) {
      const le = saved.entry.outs.find((e) => e.path === o.entry.path);
      if (le) Object.assign(o.entry, { md5: le.md5 ?? undefined, hash: le.hash, size: le.size, nfiles: le.nfiles, isexec: le.isexec });
      o.legacy = false;
    }
    for (const d of s.deps) d.lockEntry = saved.entry.deps.find((e) => e.path === d.def);
  }

  /**
   * `_can_hash` as restore checks it: hashing each dependency (a missing file fails with the OS
   * error, a missing params key with "Parameters … are missing").
   */
  private async canHash(s: PipelineStageEntry): Promise<boolean> {
    if (isCallback(s) || s.stage.alwaysChanged) return false;
    if (!commandsOf(s.stage.cmd).length || !(s.deps.length + s.params.length) || !s.outs.length) return false;
    for (const d of s.deps) {
      if (d.url) return false;
      const h = await hashDependency(this.ctx, d);
      if (!h) {
        throw dvcError('DEPENDENCY_NOT_FOUND', `[Errno 2] No such file or directory: '${d.glob ? d.def : d.abs}'`, {
          hint: `create '${d.def}' (or the stage that produces it), or remove it from the stage's deps`,
          exitCode: EXIT.UNEXPECTED,
        });
      }
    }
    for (const p of s.params) {
      // an existing file with every listed key: hashable; a whole-file dep of an empty/missing file: not
      const [read] = saveParamsSafe(this.ctx, s, p.def);
      if (!read) return false;
    }
    if (s.outs.some((o) => o.inRepo === false || o.entry.persist)) return false;
    return true;
  }

  /** `StageCache.restore`: the lock itself (outputs just deleted) or the newest run-cache entry. */
  private async restore(s: PipelineStageEntry): Promise<boolean> {
    const opts = this.opts;
    if (!(await this.canHash(s))) return false;
    let cache: LockStage | undefined;
    const allOutsRecorded = s.outs.every((o) => Boolean(o.entry.md5));
    if (!isCmdChanged(s) && (await this.depsCached(s)) && allOutsRecorded && s.lock) {
      cache = { ...s.lock, cmd: s.stage.cmd as string | string[] };
    } else {
      if (opts.noRunCache) return false;
      // DVC hashes the dependencies first (`save_deps`), except in --dry where the key is built
      // from what dvc.lock recorded for them (so a dry run may report the previous run as cached)
      const deps = opts.dry ? s.deps.map((d) => d.lockEntry ?? ({ path: d.def, hash: 'md5' } as LockEntry)) : await saveDeps(this.ctx, s);
      const params = opts.dry
        ? s.params.map((p) => ({ defPath: p.def, path: p.lockPath, keys: p.keys, values: s.lock ? lockParamsFor(s.lock, p.def, p.keys) : undefined }))
        : saveParams(this.ctx, s, true);
      const probe = buildLockStage({
        cmd: s.stage.cmd as string | string[],
        deps,
        params,
        outs: s.outs.map((o) => ({ path: o.entry.path }) as LockEntry),
      });
      const { key } = computeRunCacheHashes(probe);
      cache = this.runCache.loadNewest(key, (m) => this.warn(m), (abs) => relative(this.cwd, abs).split(sep).join('/'));
      if (!cache) return false;
    }
    // every output object must be in the local cache
    for (const e of cache.outs) {
      if (typeof e.md5 !== 'string') return false;
      const legacy = e.hash === undefined;
      const fake = { entry: { path: e.path, md5: e.md5 }, legacy } as unknown as TrackedOut;
      if (!isOutInCache(this.repo, fake)) return false;
    }
    this.info(`Stage '${this.address(s)}' is cached - skipping run, checking out outputs`, this.address(s));
    if (opts.dry) return true;
    for (const o of s.outs) {
      const e = cache.outs.find((x) => x.path === o.entry.path);
      if (!e || typeof e.md5 !== 'string') continue;
      checkoutRecorded(this.repo, o.abs, e.md5, { legacy: e.hash === undefined, copy: !o.cache, isexec: e.isexec });
      this.repo.links.mark(o.rel, o.abs);
    }
    return true;
  }

  private async depsCached(s: PipelineStageEntry): Promise<boolean> {
    for (const d of s.deps) if (await depStatus(this.ctx, d)) return false;
    for (const p of s.params) if (paramsStatus(this.ctx, s, p)) return false;
    return true;
  }
}

/** Reads one params dep for `_can_hash`: [hashable]. @throws PARAMS_MISSING for listed keys that are missing */
function saveParamsSafe(ctx: StatusContext, s: PipelineStageEntry, def: string): [boolean] {
  const one = { ...s, params: s.params.filter((p) => p.def === def) } as PipelineStageEntry;
  try {
    const [r] = saveParams(ctx, one, true);
    if (!r) return [false];
    return [Boolean(r.values && r.values.size)];
  } catch (e) {
    if (isMomoError(e, 'DEPENDENCY_NOT_FOUND')) {
      const p = one.params[0]!;
      if (p.keys.length) {
        throw dvcError('PARAMS_MISSING', `Parameters '${p.keys.join(', ')}' are missing from '${relative(ctx.cwd, p.abs!).split(sep).join('/')}'.`, {
          hint: `create '${p.def}' with those keys`,
          exitCode: EXIT.UNEXPECTED,
        });
      }
      return [false];
    }
    throw e;
  }
}

function overlapsPath(a: string, b: string): boolean {
  return a === b || a.startsWith(b + '/') || b.startsWith(a + '/');
}

function signalNumber(sig: NodeJS.Signals | null): number | undefined {
  return sig ? (osConstants.signals as Record<string, number>)[sig] : undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** "failed to reproduce 'x': cause" / "failed to reproduce stages: 'a', 'b' and 'c'". */
function reproError(addresses: string[], cause?: unknown): MomoError {
  const names = humanJoin(addresses.map((a) => `'${a}'`));
  const segment = addresses.length > 1 ? ' stages:' : '';
  const base = `failed to reproduce${segment} ${names}`;
  const message = cause === undefined ? base : `${base}: ${errorText(cause)}`;
  return dvcError('REPRO_FAILED', message, {
    hint: isMomoError(cause) && cause.hint ? cause.hint : 'fix the failing stage and run momo repro again',
    exitCode: EXIT.UNEXPECTED,
    data: { stages: addresses, cause: isMomoError(cause) ? cause.code : undefined },
    cause,
  });
}
