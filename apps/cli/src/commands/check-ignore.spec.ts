import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { oracleDvcPath, runDvc, runMomo, testEnv, tmpRepo, type TmpRepo } from '@momo/testing';
import type { Io } from '../io.js';
import { main } from '../main.js';

const repos: TmpRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.cleanup();
});

async function momo(cwd: string, args: string[]) {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    isTTY: false,
    cwd,
    env: {},
  } satisfies Io & { stdout: string; stderr: string };
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Real DVC with standard input (runDvc has none). */
function dvcWithInput(cwd: string, args: string[], input: string) {
  const r = spawnSync(oracleDvcPath(), args, { cwd, input, env: testEnv(), encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function exampleRepo(): TmpRepo {
  const r = tmpRepo({ git: true, prefix: 'momo-cli-check-ignore-' });
  repos.push(r);
  const init = runDvc(r.root, ['init', '-q']);
  expect(init.code, init.stderr).toBe(0);
  r.gen({
    '.dvcignore': '*.tmp\n!keep.tmp\n',
    'a.tmp': '',
    'keep.tmp': '',
    data: { '.dvcignore': '/cache/\n', cache: { f: '' } },
  });
  return r;
}

describe('momo check-ignore', () => {
  it('prints what dvc check-ignore prints, with the same exit codes', async () => {
    const r = exampleRepo();
    for (const args of [
      ['-d', '-n', 'a.tmp', 'keep.tmp', 'data/cache/f', 'none'],
      ['a.tmp', 'keep.tmp', 'none'],
      ['-q', 'keep.tmp', 'none'],
    ]) {
      const ours = await momo(r.root, ['check-ignore', ...args]);
      const dvc = runDvc(r.root, ['check-ignore', ...args]);
      expect(ours.stdout, args.join(' ')).toBe(dvc.stdout);
      expect(ours.code, args.join(' ')).toBe(dvc.code);
    }
  });

  it('exits 255 with DVC’s message for a bad flag combination', async () => {
    const r = exampleRepo();
    const ours = await momo(r.root, ['check-ignore', '-n', 'a.tmp']);
    expect(ours.code).toBe(255);
    expect(ours.stderr).toContain('ERROR: `--non-matching` is only valid with `--details`');
  });

  it('answers --stdin line by line until an empty line, like DVC', () => {
    const r = exampleRepo();
    const input = 'a.tmp\nnone\nkeep.tmp\n\ndata/cache/f\n';
    const ours = runMomo(r.root, ['check-ignore', '--stdin', '-d', '-n'], {}, input);
    const dvc = dvcWithInput(r.root, ['check-ignore', '--stdin', '-d', '-n'], input);
    expect(ours.stdout).toBe(dvc.stdout);
    expect(ours.stdout).toBe('.dvcignore:1:*.tmp\ta.tmp\n::\tnone\n.dvcignore:2:!keep.tmp\tkeep.tmp\n');
    expect(ours.code).toBe(dvc.code);
    const none = runMomo(r.root, ['check-ignore', '--stdin'], {}, 'none\nkeep.tmp\n');
    expect([none.code, none.stdout]).toEqual([1, '']);
  });
});
