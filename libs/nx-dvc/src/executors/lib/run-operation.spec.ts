import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { add, init } from '@momo/dvc';
import { oracleDvcPath, runDvc, testEnv, tmpRepo, type TmpRepo } from '@momo/testing';
import { pythonDvcArgs, renderStatus, runOperation, taskEnv, type ExecutorIo, type RunOperationInput } from './run-operation.js';
import { projectDvcFiles } from './project-dvc-files.js';
import type { CommonExecutorOptions, DvcOperation } from './options.js';

let repo: TmpRepo | undefined;
let store: TmpRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  store?.cleanup();
  repo = store = undefined;
});

function collect(): ExecutorIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}

function input<O extends CommonExecutorOptions>(operation: DvcOperation, options: O, projectRoot: string, io: ExecutorIo, others: string[] = []): RunOperationInput<O> {
  return { operation, options, workspaceRoot: repo!.root, projectRoot, otherProjectRoots: others, io, env: testEnv() };
}

/** A git + DVC repo (initialised by momo, which writes what `dvc init` writes). */
async function dvcRepo(files: Record<string, unknown>) {
  repo = tmpRepo({ git: true });
  await init({ cwd: repo.root, env: testEnv() });
  repo.gen(files as never);
  return repo;
}

describe('runOperation with the Python dvc engine', () => {
  it('reproduces the project pipeline and writes dvc.lock', async () => {
    const r = await dvcRepo({ libs: { a: { 'dvc.yaml': 'stages:\n  copy:\n    cmd: cp in.txt out.txt\n    deps:\n    - in.txt\n    outs:\n    - out.txt\n', 'in.txt': 'hello\n' } } });
    const io = collect();
    const res = await runOperation(input('repro', { engine: 'dvc', dvcPath: oracleDvcPath() }, 'libs/a', io));
    expect(res).toEqual({ success: true });
    expect(readFileSync(join(r.root, 'libs/a/out.txt'), 'utf8')).toBe('hello\n');
    expect(existsSync(join(r.root, 'libs/a/dvc.lock'))).toBe(true);
    expect(runDvc(join(r.root, 'libs/a'), ['status', '-q']).code).toBe(0);
  });

  it('fails the task when a stage command fails', async () => {
    await dvcRepo({ libs: { a: { 'dvc.yaml': 'stages:\n  boom:\n    cmd: exit 3\n    outs:\n    - never.txt\n' } } });
    const io = collect();
    const res = await runOperation(input('repro', { engine: 'dvc', dvcPath: oracleDvcPath() }, 'libs/a', io));
    expect(res).toEqual({ success: false });
    expect(io.stderr).toContain("ERROR: '");
    expect(io.stderr).toContain("repro' failed in 'libs/a' (exit code 255)");
  });

  it('names the missing executable', async () => {
    await dvcRepo({ libs: { a: { 'dvc.yaml': 'stages: {}\n' } } });
    const io = collect();
    const res = await runOperation(input('repro', { engine: 'dvc', dvcPath: '/nonexistent/dvc' }, 'libs/a', io));
    expect(res.success).toBe(false);
    expect(io.stderr).toContain("ERROR: engine 'dvc' needs the Python dvc executable, but '/nonexistent/dvc' was not found");
    expect(io.stderr).toContain('hint: ');
  });

  it('builds the argv DVC expects, global flags first', () => {
    expect(pythonDvcArgs('repro', { force: true, keepGoing: true } as CommonExecutorOptions, ['dvc.yaml:train'], true)).toEqual(['--wait-for-lock', '-v', 'repro', '-f', '-k', 'dvc.yaml:train']);
    expect(pythonDvcArgs('pull', { remote: 'dev', jobs: 4, force: true } as CommonExecutorOptions, ['dvc.yaml', 'raw.dvc'], false)).toEqual(['--wait-for-lock', 'pull', '-r', 'dev', '-j', '4', '-f', 'dvc.yaml', 'raw.dvc']);
  });
});

describe('runOperation with momo', () => {
  it('reproduces the pipeline in-process, and a second run does nothing', async () => {
    const r = await dvcRepo({ libs: { a: { 'dvc.yaml': 'stages:\n  copy:\n    cmd: cp in.txt out.txt\n    deps:\n    - in.txt\n    outs:\n    - out.txt\n', 'in.txt': 'hello\n' } } });
    let io = collect();
    expect(await runOperation(input('repro', { verbose: true }, 'libs/a', io))).toEqual({ success: true });
    expect(io.stdout).toContain("Running stage 'copy':\n> cp in.txt out.txt\n");
    expect(io.stdout).toContain('git add .gitignore dvc.lock');
    expect(io.stderr).toContain("[nx-dvc] repro in 'libs/a' with momo (in-process)\n");
    expect(io.stderr).toContain("[nx-dvc] stage 'copy' ran\n");
    expect(readFileSync(join(r.root, 'libs/a/out.txt'), 'utf8')).toBe('hello\n');
    expect(runDvc(join(r.root, 'libs/a'), ['status', '-q']).code).toBe(0);
    io = collect();
    expect(await runOperation(input('repro', { stages: ['copy'] }, 'libs/a', io))).toEqual({ success: true });
    expect(io.stdout).toBe("Stage 'copy' didn't change, skipping\nData and pipelines are up to date.\n");
  });

  it('fails the task with the stage failure', async () => {
    await dvcRepo({ libs: { a: { 'dvc.yaml': 'stages:\n  boom:\n    cmd: exit 3\n    outs:\n    - never.txt\n' } } });
    const io = collect();
    expect(await runOperation(input('repro', {}, 'libs/a', io))).toEqual({ success: false });
    expect(io.stderr).toMatch(/^ERROR: failed to reproduce 'boom'/m);
  });

  it('reports changed data in status and fails with failOnChanges', async () => {
    const r = await dvcRepo({ libs: { a: { 'data.txt': 'v1\n' } } });
    await add({ cwd: join(r.root, 'libs/a'), env: testEnv(), targets: ['data.txt'] });
    let io = collect();
    expect(await runOperation(input('status', { failOnChanges: true }, 'libs/a', io))).toEqual({ success: true });
    expect(io.stdout).toBe('Data and pipelines are up to date.\n');
    writeFileSync(join(r.root, 'libs/a/data.txt'), 'v2\n');
    io = collect();
    expect(await runOperation(input('status', {}, 'libs/a', io))).toEqual({ success: true });
    expect(io.stdout).toBe('data.txt.dvc:\n\tchanged outs:\n\t\tmodified:           data.txt\n');
    io = collect();
    expect(await runOperation(input('status', { failOnChanges: true }, 'libs/a', io))).toEqual({ success: false });
  });

  it('checks out deleted data of the project only', async () => {
    const r = await dvcRepo({ libs: { a: { 'data.txt': 'a\n', b: { 'project.json': '{}', 'other.txt': 'b\n' } } } });
    await add({ cwd: join(r.root, 'libs/a'), env: testEnv(), targets: ['data.txt', 'b/other.txt'] });
    rmSync(join(r.root, 'libs/a/data.txt'));
    rmSync(join(r.root, 'libs/a/b/other.txt'));
    const io = collect();
    const res = await runOperation(input('checkout', { verbose: true }, 'libs/a', io, ['libs/a/b']));
    expect(res).toEqual({ success: true });
    expect(io.stdout).toBe('A\tdata.txt\n');
    expect(io.stderr).toContain('[nx-dvc] DVC files of this project: data.txt.dvc');
    expect(existsSync(join(r.root, 'libs/a/b/other.txt'))).toBe(false);
  });

  it('pushes the project data to the default remote and pulls it back', async () => {
    const r = await dvcRepo({ libs: { a: { 'data.txt': 'precious\n' } } });
    await add({ cwd: join(r.root, 'libs/a'), env: testEnv(), targets: ['data.txt'] });
    store = tmpRepo({ prefix: 'momo-store-' });
    writeFileSync(join(r.root, '.dvc/config'), `[core]\n    remote = store\n['remote "store"']\n    url = ${store.root}\n`);
    let io = collect();
    expect(await runOperation(input('push', {}, 'libs/a', io))).toEqual({ success: true });
    expect(io.stdout).toBe('1 file pushed\n');
    io = collect();
    expect(await runOperation(input('push', {}, 'libs/a', io))).toEqual({ success: true });
    expect(io.stdout).toBe('Everything is up to date.\n');
    rmSync(join(r.root, '.dvc/cache'), { recursive: true, force: true });
    rmSync(join(r.root, 'libs/a/data.txt'));
    io = collect();
    expect(await runOperation(input('pull', {}, 'libs/a', io))).toEqual({ success: true });
    expect(io.stdout).toBe('A\tdata.txt\n1 file fetched and 1 file added\n');
    expect(readFileSync(join(r.root, 'libs/a/data.txt'), 'utf8')).toBe('precious\n');
  });

  it('does nothing, successfully, for a project without DVC files', async () => {
    await dvcRepo({ libs: { a: { 'x.txt': '' } } });
    const io = collect();
    expect(await runOperation(input('push', {}, 'libs/a', io))).toEqual({ success: true });
    expect(io.stdout).toBe("No DVC files in 'libs/a': nothing to push.\n");
  });

  it('fails outside a DVC repository with the engine error and hint', async () => {
    repo = tmpRepo({ git: true });
    repo.gen({ libs: { a: { 'x.txt': '' } } });
    const io = collect();
    expect(await runOperation(input('status', {}, 'libs/a', io))).toEqual({ success: false });
    expect(io.stderr).toMatch(/^ERROR: you are not inside of a DVC repository/);
    expect(io.stderr).toContain('hint: run `momo init`');
  });
});

describe('projectDvcFiles', () => {
  it("lists the project's DVC files without those of nested projects", async () => {
    const r = await dvcRepo({
      'top.dvc': 'outs:\n- md5: d41d8cd98f00b204e9800998ecf8427e\n  size: 0\n  hash: md5\n  path: top\n',
      libs: {
        a: {
          'dvc.yaml': 'stages: {}\n',
          'raw.dvc': 'outs:\n- path: raw\n',
          nested: { 'dvc.yaml': 'stages: {}\n' },
        },
      },
    });
    expect(projectDvcFiles({ projectDir: join(r.root, 'libs/a'), otherProjectDirs: [join(r.root, 'libs/a/nested'), r.root] }).targets).toEqual(['dvc.yaml', 'raw.dvc']);
    expect(projectDvcFiles({ projectDir: r.root, otherProjectDirs: [join(r.root, 'libs/a')] }).targets).toEqual(['top.dvc']);
  });
});

describe('helpers', () => {
  it('puts the workspace node_modules/.bin first on PATH, once', () => {
    const env = taskEnv('/ws', { PATH: '/usr/bin' });
    expect(env.PATH).toBe('/ws/node_modules/.bin:/usr/bin');
    expect(taskEnv('/ws', env).PATH).toBe(env.PATH);
  });

  it('renders status like DVC', () => {
    expect(renderStatus({ 'dvc.yaml:train': [{ 'changed deps': { 'data/x': 'modified' } }, 'always changed'] })).toBe(
      'dvc.yaml:train:\n\tchanged deps:\n\t\tmodified:           data/x\n\talways changed\n',
    );
  });
});
