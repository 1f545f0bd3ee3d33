import { describe, expect, it } from 'vitest';
import { isMomoError } from '@momo/errors';
import { buildStageGraph, checkOutputs, planOrder, activeGraph, type DagStageInput } from './dag.js';

const stage = (address: string, deps: string[], outs: string[], extra: Partial<DagStageInput> = {}): DagStageInput => ({
  address,
  dvcfile: 'dvc.yaml',
  deps: deps.map((rel) => ({ rel })),
  outs: outs.map((rel) => ({ rel, display: rel })),
  ...extra,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isMomoError(e) ? e.code : 'not a MomoError';
  }
  return undefined;
}

describe('stage graph (dvc/repo/graph.py, trie.py)', () => {
  // §16.5 #45: A → {B, C} → D → E ← F ← G
  const stages = [
    stage('A', ['foo'], ['a']),
    stage('B', ['a'], ['b']),
    stage('C', ['a'], ['c']),
    stage('D', ['b', 'c'], ['d']),
    stage('E', ['d', 'f'], ['e']),
    stage('G', ['bar'], ['g']),
    stage('F', ['g'], ['f']),
  ];
  const names = (ids: number[]) => ids.map((i) => stages[i]!.address);

  it('links a stage to the stages producing its dependencies, a parent or a child of them', () => {
    const g = buildStageGraph([stage('dir', [], ['data']), stage('file', ['data/x'], ['y']), stage('part', [], ['data2/p']), stage('uses', ['data2'], ['w']), stage('root', [''], [])]);
    // '' (the repository root, dep `.`) contains every output
    expect(g.edges).toEqual([[], [0], [], [2], [0, 1, 2, 3]]);
  });

  it('plans upstream first, downstream only, whole pipelines and everything', () => {
    const g = buildStageGraph(stages);
    expect(names(planOrder(g, [4]))).toEqual(['A', 'B', 'C', 'D', 'G', 'F', 'E']);
    expect(names(planOrder(g, [1], { downstream: true }))).toEqual(['B', 'D', 'E']);
    expect(names(planOrder(g, [0], { downstream: true }))).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(names(planOrder(g, [5], { pipeline: true }))).toEqual(['G', 'A', 'B', 'C', 'D', 'F', 'E']);
    expect(planOrder(g, undefined)).toHaveLength(7);
  });

  it('cuts a frozen stage off its upstream', () => {
    const frozen = stages.map((s) => (s.address === 'D' ? { ...s, frozen: true } : s));
    const g = activeGraph(buildStageGraph(frozen), frozen);
    expect(names(planOrder(g, [4]))).toEqual(['D', 'G', 'F', 'E']);
  });

  it('refuses duplicated and overlapping outputs, DVC files inside outputs, and cycles with DVC codes', () => {
    expect(codeOf(() => checkOutputs([stage('a', [], ['x']), stage('b', [], ['x'])]))).toBe('OUTPUT_DUPLICATED');
    expect(codeOf(() => checkOutputs([stage('a', [], ['d']), stage('b', [], ['d/x'])]))).toBe('OUTPUT_OVERLAPPING');
    expect(codeOf(() => checkOutputs([stage('b', [], ['d/x']), stage('a', [], ['d'])]))).toBe('OUTPUT_OVERLAPPING');
    expect(codeOf(() => buildStageGraph([stage('a', [], ['sub']), stage('sub/dvc.yaml:b', [], ['y'], { dvcfile: 'sub/dvc.yaml' })]))).toBe('STAGE_INSIDE_OUTPUT');
    expect(codeOf(() => buildStageGraph([stage('a', ['y'], ['x']), stage('b', ['x'], ['y'])]))).toBe('PIPELINE_CYCLE');
    expect(codeOf(() => buildStageGraph([stage('self', ['x/in'], ['x'])]))).toBe('PIPELINE_CYCLE');
  });

  it('words the messages as DVC does', () => {
    const msg = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    expect(msg(() => checkOutputs([stage('a', [], ['x']), stage('b', [], ['x'])]))).toBe(
      "output 'x' is specified in:\n\t- b\n\t- a\nUse `dvc remove` with any of the above targets to stop tracking the overlapping output.",
    );
    expect(msg(() => checkOutputs([stage('data.dvc', [], ['data']), stage('train', [], ['data/x'])]))).toBe(
      "The output paths:\n'data'('data.dvc')\n'data/x'('train')\noverlap and are thus in the same tracked directory.\nTo keep reproducibility, outputs should be in separate tracked directories or tracked individually.",
    );
    expect(msg(() => buildStageGraph([stage('a', ['x'], ['x'])]))).toBe('Same item(s) are defined as both a dependency and an output in stage: a.');
  });
});
