/**
 * Shared helpers of the pipelines interop scenarios (e2e/pipelines-*.spec.ts): the same commands
 * run in twin repos under real DVC 3.67.1 and under momo, then outputs and files are compared.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { twins, snapshotTree, runDvc, runMomo, type Twins, type RunResult } from '@momo/testing';

export type { Twins };

/** A git+DVC twin pair with a first commit, so `HEAD` exists for params/metrics diff. */
export function pipelineTwins(files: Record<string, string | Record<string, unknown>> = {}): Twins {
  const t = twins({ git: true, init: true });
  t.gen(files as never);
  return t;
}

/**
 * Output as compared between tools: repo roots replaced by `<root>`, momo's `hint:` lines
 * dropped, and the `git add` file list sorted (DVC prints a Python set).
 */
export function norm(text: string, root: string): string {
  return text
    .replaceAll(root, '<root>')
    .split('\n')
    .filter((l) => !l.startsWith('hint: '))
    .map((l) => (l.startsWith('\tgit add ') ? '\tgit add ' + l.slice(9).split(' ').sort().join(' ') : l))
    .join('\n');
}

/** Runs `args` in both repos (optionally in a subdirectory) and checks code, stdout and stderr agree. */
export function same(t: Twins, args: string[], opts: { cwd?: string; stdout?: 'exact' | 'lines' | 'ignore'; stderr?: 'exact' | 'lines' | 'ignore'; env?: Record<string, string> } = {}): { dvc: RunResult; momo: RunResult } {
  const r = opts.env
    ? {
        dvc: runDvc(opts.cwd ? join(t.dvc.root, opts.cwd) : t.dvc.root, args, opts.env),
        momo: runMomo(opts.cwd ? join(t.momo.root, opts.cwd) : t.momo.root, args, opts.env),
      }
    : t.run(args, opts.cwd);
  const dvcOut = norm(r.dvc.stdout, t.dvc.root);
  const momoOut = norm(r.momo.stdout, t.momo.root);
  const dvcErr = norm(r.dvc.stderr, t.dvc.root);
  const momoErr = norm(r.momo.stderr, t.momo.root);
  const ctx = `${args.join(' ')}\n--- dvc stdout\n${r.dvc.stdout}\n--- dvc stderr\n${r.dvc.stderr}\n--- momo stdout\n${r.momo.stdout}\n--- momo stderr\n${r.momo.stderr}`;
  expect(r.momo.code, ctx).toBe(r.dvc.code);
  const cmp = (a: string, b: string, mode: 'exact' | 'lines' | 'ignore' | undefined) => {
    if (mode === 'ignore') return;
    if (mode === 'lines') expect(a.split('\n').sort(), ctx).toEqual(b.split('\n').sort());
    else expect(a, ctx).toBe(b);
  };
  cmp(momoOut, dvcOut, opts.stdout);
  cmp(momoErr, dvcErr, opts.stderr);
  return r;
}

/** The bytes of a file in both repos must be equal (and present). */
export function sameFile(t: Twins, rel: string): string {
  const d = join(t.dvc.root, rel);
  const m = join(t.momo.root, rel);
  expect(existsSync(m), `${rel} exists under momo`).toBe(existsSync(d));
  if (!existsSync(d)) return '';
  const text = readFileSync(d, 'utf8');
  expect(readFileSync(m, 'utf8'), rel).toBe(text);
  return text;
}

/** Sorted `<path> <mode>` lines of the cache (objects and run-cache entries). */
export function cacheListing(root: string): string[] {
  const dir = join(root, '.dvc', 'cache');
  if (!existsSync(dir)) return [];
  return Object.entries(snapshotTree(dir, { contents: false }))
    .map(([p, s]) => `${p} ${s.mode}`)
    .sort();
}

/** Workspace files (everything but .git, .dvc/tmp and the cache) must be identical. */
export function sameWorkspace(t: Twins, skip: (rel: string) => boolean = () => false): void {
  const snap = (root: string) => snapshotTree(root, { skip: (rel) => rel === '.dvc/cache' || skip(rel) });
  expect(snap(t.momo.root)).toEqual(snap(t.dvc.root));
  expect(cacheListing(t.momo.root)).toEqual(cacheListing(t.dvc.root));
}

/** Commits everything in both repos (so HEAD exists and dvc.lock is tracked). */
export function commitAll(t: Twins, message = 'wip'): void {
  t.each((r) => {
    r.git('add', '-A');
    r.git('commit', '-qm', message);
  });
}

/** Block-style dvc.yaml text from stage definitions (what DVC itself would write). */
export function dvcYaml(stages: Record<string, Record<string, unknown>>, top: Record<string, unknown> = {}): string {
  const lines: string[] = [];
  // plain unless YAML needs quotes (close to ruamel's choice, so DVC's own rewrites keep the text)
  const scalar = (v: unknown) =>
    typeof v === 'string' && (/^[-?:,[\]{}#&*!|>'"%@`\s]|: | #|\n|\s$|:$/.test(v) || /^(true|false|yes|no|on|off|null|~|[-+.\d][\d.eE+_-]*)$/i.test(v)) ? JSON.stringify(v) : String(v);
  const emit = (v: unknown, indent: string) => {
    if (Array.isArray(v)) {
      for (const item of v) {
        if (item && typeof item === 'object') {
          const [k, flags] = Object.entries(item as Record<string, unknown>)[0]!;
          if (flags === null) lines.push(`${indent}- ${scalar(k)}:`);
          else {
            lines.push(`${indent}- ${scalar(k)}:`);
            for (const [fk, fv] of Object.entries(flags as Record<string, unknown>)) lines.push(`${indent}    ${fk}: ${scalar(fv)}`);
          }
        } else lines.push(`${indent}- ${scalar(item)}`);
      }
    }
  };
  for (const [k, v] of Object.entries(top)) {
    lines.push(`${k}:`);
    emit(v, '');
  }
  lines.push('stages:');
  for (const [name, def] of Object.entries(stages)) {
    lines.push(`  ${name}:`);
    for (const [k, v] of Object.entries(def)) {
      if (Array.isArray(v)) {
        lines.push(`    ${k}:`);
        emit(v, '    ');
      } else if (v && typeof v === 'object') {
        lines.push(`    ${k}:`);
        for (const [kk, vv] of Object.entries(v as Record<string, unknown>)) lines.push(`      ${kk}: ${scalar(vv)}`);
      } else lines.push(`    ${k}: ${scalar(v)}`);
    }
  }
  return lines.join('\n') + '\n';
}
