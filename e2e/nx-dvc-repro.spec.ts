import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oracleDvcPath, runDvc, tmpRepo, type TmpRepo } from '@momo/testing';
import { attachWorkspace, createNxWorkspace, type NxWorkspace } from '../libs/nx-dvc/src/__fixtures__/nx-workspace.js';
import { e2eWorkspaceFiles, RAW_CSV, TS_STAGES } from '../libs/nx-dvc/src/__fixtures__/e2e-workspace-files.js';

// User story: after `nx g @momo/nx-dvc:init`, the team runs its pipelines through Nx:
// `nx run-many -t dvc-repro` writes dvc.lock files real DVC 3.67.1 accepts, a second run does
// nothing, `dvc-push` shares the data and a fresh clone gets it back with `dvc-pull`.
// The story runs with momo as the engine (in-process, no Python: `repro`, `push` and `pull` of
// @momo/dvc), and its first part again with the plugin option `"engine": "dvc"` (the Python
// DVC 3.67.1: reproduce, and real DVC agrees; the rest runs once, with momo, to keep the suite fast).

const SLOW = 600_000;

function ok(r: { code: number; stdout: string; stderr: string }, what: string) {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

const LOCKS = ['dvc.lock', 'libs/python/momo-py/dvc.lock', 'libs/ts-b/dvc.lock', 'libs/ts-a/dvc.lock'];
const OUTPUTS: Record<string, string> = {
  'libs/python/momo-py/data/processed/features.json': '{\n  "alpha": {\n    "count": 2,\n    "total": 8\n  },\n  "beta": {\n    "count": 1,\n    "total": 4\n  }\n}\n',
  'libs/ts-b/data/summary.json': '{"labels":["alpha","beta"],"total":12}\n',
  'libs/ts-a/report.md': '# Report\n\nLabels: alpha, beta\nTotal: 12\n',
  'data/knowledge-base/index.json': '{\n  "files": [\n    "libs/python/momo-py/momo_py/__init__.py"\n  ]\n}\n',
  'docs/generated/modules.md': '# Modules\n\n- libs/python/momo-py/momo_py/__init__.py\n',
  'data/raw/sample.csv': RAW_CSV,
};

function read(root: string, rel: string): string {
  return readFileSync(join(root, rel), 'utf8');
}

describe.each([{ engine: 'momo' }, { engine: 'dvc' }])('engine $engine', ({ engine }) => {
  let ws: NxWorkspace;
  let remote: TmpRepo;
  let clone: NxWorkspace | undefined;

  beforeAll(() => {
    remote = tmpRepo({ prefix: 'momo-nx-remote-' });
    ws = createNxWorkspace({ name: 'acme', files: e2eWorkspaceFiles(), git: true });
    ok(ws.nx(['g', '@momo/nx-dvc:init', `--remoteUrl=${remote.root}`, '--no-interactive']), 'init');
    if (engine === 'dvc') {
      const nxJson = JSON.parse(read(ws.root, 'nx.json'));
      nxJson.plugins = [{ plugin: '@momo/nx-dvc/plugin', options: { engine: 'dvc', dvcPath: oracleDvcPath() } }];
      writeFileSync(join(ws.root, 'nx.json'), `${JSON.stringify(nxJson, null, 2)}\n`);
    }
    for (const args of TS_STAGES) ok(ws.nx(['g', '@momo/nx-dvc:stage', ...args, '--no-interactive']), 'stage');
    ws.gen({ data: { raw: { 'sample.csv': RAW_CSV } } });
    ok(ws.momo(['add', 'data/raw']), 'momo add data/raw');
    ws.git('add', '-A');
    ws.git('commit', '-qm', 'adopt DVC');
  }, SLOW);

  afterAll(() => {
    ws?.cleanup();
    remote?.cleanup();
    clone?.cleanup();
  });

  describe('nx run-many -t dvc-repro', () => {
    let firstLocks: string[];

    it('runs every stage in DVC-graph order and writes dvc.lock files', () => {
      const r = ok(ws.nx(['run-many', '-t', 'dvc-repro', '--output-style=stream']), 'run-many dvc-repro');
      // stage output is streamed through Nx (Python really ran, through uv)
      expect(r.stdout).toMatch(/process-data: 3 rows with Python 3\.\d+\.\d+/);
      expect(r.stdout).toContain('summarize: 2 labels');
      for (const [rel, content] of Object.entries(OUTPUTS)) expect([rel, read(ws.root, rel)]).toEqual([rel, content]);
      for (const lock of LOCKS) expect(existsSync(join(ws.root, lock))).toBe(true);
      expect(read(ws.root, 'libs/ts-b/dvc.lock')).toMatch(/^schema: '2\.0'\nstages:\n {2}summarize:\n {4}cmd: node summarize\.mjs\n {4}deps:\n/);
      firstLocks = LOCKS.map((l) => read(ws.root, l));
    }, SLOW);

    it('leaves a repository real DVC 3.67.1 reports up to date', () => {
      const st = runDvc(ws.root, ['status']);
      expect(st.stderr).toBe('');
      expect(st.stdout).toBe('Data and pipelines are up to date.\n');
      expect(runDvc(ws.root, ['status', '-q']).code).toBe(0);
    }, SLOW);

    if (engine === 'momo') {
      it('does nothing on a second run', () => {
        const mtimes = Object.keys(OUTPUTS).map((rel) => statSync(join(ws.root, rel)).mtimeMs);
        const r = ok(ws.nx(['run-many', '-t', 'dvc-repro', '--output-style=stream']), 'second run-many dvc-repro');
        expect(r.stdout).not.toContain('process-data: 3 rows');
        expect(r.stdout).not.toContain('summarize:');
        expect(LOCKS.map((l) => read(ws.root, l))).toEqual(firstLocks);
        expect(Object.keys(OUTPUTS).map((rel) => statSync(join(ws.root, rel)).mtimeMs)).toEqual(mtimes);
      }, SLOW);

      it('fails the pre-commit check (`momo status -q`) only while a pipeline is stale', () => {
        expect(ws.run('npx', ['--no', 'momo', 'status', '-q']).code).toBe(0);
        writeFileSync(join(ws.root, 'data/raw/sample.csv'), `${RAW_CSV}gamma,1\n`);
        try {
          expect(ws.run('npx', ['--no', 'momo', 'status', '-q']).code).toBe(1);
        } finally {
          writeFileSync(join(ws.root, 'data/raw/sample.csv'), RAW_CSV);
        }
        expect(ws.run('npx', ['--no', 'momo', 'status', '-q']).code).toBe(0);
      }, SLOW);

      it('fails the Nx task when a stage fails', () => {
        const script = join(ws.root, 'libs/ts-a/report.mjs');
        const good = read(ws.root, 'libs/ts-a/report.mjs');
        writeFileSync(script, "throw new Error('report is broken');\n");
        try {
          const r = ws.nx(['run', 'ts-a:dvc-repro', '--output-style=stream']);
          expect(r.code).not.toBe(0);
          expect(r.stdout + r.stderr).toContain('report is broken');
        } finally {
          writeFileSync(script, good);
        }
        ok(ws.nx(['run', 'ts-a:dvc-repro']), 'repro after fixing the script');
        expect(read(ws.root, 'libs/ts-a/dvc.lock')).toBe(firstLocks[3]);
      }, SLOW);
    }
  });

  if (engine === 'momo') {
    describe('sharing the data: dvc-push, then dvc-pull in a fresh clone', () => {
      it('pushes every project to the development remote', () => {
        ws.git('add', '-A');
        ws.git('commit', '-qm', 'pipelines reproduced');
        ok(ws.nx(['run-many', '-t', 'dvc-push', '--output-style=stream']), 'run-many dvc-push');
        expect(readdirSync(join(remote.root, 'files', 'md5')).length).toBeGreaterThan(0);
      }, SLOW);

      it('restores every output in a fresh clone', () => {
        const dir = tmpRepo({ prefix: 'momo-nx-clone-' });
        ws.git('clone', '-q', ws.root, dir.root);
        clone = attachWorkspace(dir);
        for (const rel of Object.keys(OUTPUTS)) expect(existsSync(join(clone.root, rel))).toBe(false);
        ok(clone.nx(['run-many', '-t', 'dvc-pull', '--output-style=stream']), 'run-many dvc-pull');
        for (const [rel, content] of Object.entries(OUTPUTS)) expect([rel, read(clone.root, rel)]).toEqual([rel, content]);
        const st = runDvc(clone.root, ['status']);
        expect(st.stdout).toBe('Data and pipelines are up to date.\n');
      }, SLOW);
    });
  }
});
