import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMomoError } from '@momo/errors';
import { serializeStage, validateStageName, writeStageToPipeline, removeStageFromPipeline, type StageDefinitionInput } from './stage-serialize.js';
import { loadPipeline, parsePipeline } from './pipeline.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'golden');
const golden = (c: string, f: string) => readFileSync(join(GOLDEN, c, f), 'utf8');

type Out = StageDefinitionInput['outs'][number];
const out = (path: string, o: Partial<Out> = {}): Out => ({ path, cache: true, persist: false, push: true, metric: false, plot: false, ...o });

/** The stages `capture-goldens.sh` adds with `dvc stage add`, as the CLI would build them. */
const STAGE_ADD: StageDefinitionInput[] = [
  { name: 'prepare', cmd: 'python prepare.py', desc: 'Prepare data', deps: ['z.txt', 'a.txt', 'sub'], params: [], outs: [out('out/'), out('b.txt')] },
  {
    name: 'train',
    cmd: 'python train.py',
    deps: ['out'],
    params: [
      { path: 'params.yaml', keys: ['train', 'lr'] },
      { path: 'sub/p.yaml', keys: ['a'] },
      { path: 'other.yaml', keys: [] },
    ],
    outs: [
      out('model.pkl', { cache: false }),
      out('metrics.json', { metric: true }),
      out('scores.json', { metric: true, cache: false }),
      out('roc.json', { plot: true }),
      out('prc.json', { plot: true, cache: false }),
      out('ckpt', { persist: true }),
      out('logs', { persist: true, cache: false }),
    ],
    alwaysChanged: true,
  },
  { name: 'in-sub', cmd: 'cat ../a.txt > res.txt', wdir: 'sub', deps: ['../a.txt'], params: [], outs: [out('res.txt')] },
  {
    name: 'whole-default',
    cmd: 'echo whole',
    deps: [],
    params: [
      { path: 'params.yaml', keys: [] },
      { path: 'b.yaml', keys: ['x'] },
    ],
    outs: [],
  },
  { name: 'list-like', cmd: 'echo "a: b"', deps: ['a b.txt'], params: [], outs: [out('yes'), out('1e3'), out('x: y')] },
];

describe('dvc stage add output against real DVC 3.67.1', () => {
  it('writes the same dvc.yaml bytes as five `dvc stage add` calls', () => {
    let text: string | undefined;
    const messages: string[] = [];
    for (const stage of STAGE_ADD) {
      const r = writeStageToPipeline({ text, stage });
      expect(r.mode).toBe('exact');
      messages.push(...r.messages);
      text = r.text;
    }
    expect(text).toBe(golden('stage-add', 'dvc.yaml'));
    expect(messages.slice(0, 3)).toEqual(["Creating 'dvc.yaml'", "Adding stage 'prepare' in 'dvc.yaml'", "Adding stage 'train' in 'dvc.yaml'"]);
  });

  it('round-trips every golden stage through load → serialize', () => {
    for (const c of ['stage-add', 'lock-basic', 'lock-params', 'lock-long-cmd', 'lock-outs-kinds']) {
      const text = golden(c, 'dvc.yaml');
      const { stages } = loadPipeline({ text, load: () => ({ status: 'missing' }) });
      let rebuilt = '';
      let current: string | undefined;
      for (const s of stages) {
        current = writeStageToPipeline({ text: current, stage: { ...s, cmd: s.cmd as string | string[] } }).text;
        rebuilt = current;
      }
      expect({ c, rebuilt }).toEqual({ c, rebuilt: text });
    }
  });

  it('freezes and unfreezes a stage in place like `dvc freeze` / `dvc unfreeze`', () => {
    const initial = golden('freeze', 'dvc.yaml');
    const { stages } = loadPipeline({ text: initial, load: () => ({ status: 'missing' }) });
    const a = { ...stages[0]!, cmd: stages[0]!.cmd as string };
    const frozen = writeStageToPipeline({ text: initial, stage: { ...a, frozen: true } });
    expect(frozen.text).toBe(golden('freeze', 'frozen.yaml'));
    expect(frozen.messages).toEqual(["Modifying stage 'a' in 'dvc.yaml'"]);
    expect(writeStageToPipeline({ text: frozen.text, stage: { ...a, frozen: false } }).text).toBe(initial);
  });
});

describe('stage serialization rules', () => {
  it('writes flags in DVC order and omits falsy keys', () => {
    const m = serializeStage({
      name: 's',
      cmd: ['a', 'b'],
      wdir: '.',
      deps: [],
      params: [],
      outs: [out('p.csv', { plot: new Map([['x', 'a'], ['y', 'b']]), cache: false, desc: 'd', labels: [], remote: 'r', push: false })],
      meta: new Map(),
      frozen: false,
    });
    expect(m).toEqual(new Map([['cmd', ['a', 'b']], ['plots', [new Map([['p.csv', new Map<string, unknown>([['desc', 'd'], ['cache', false], ['x', 'a'], ['y', 'b'], ['remote', 'r'], ['push', false]])]])]]]));
  });

  it('refuses punctuation in stage names and generated stages', () => {
    expect(() => validateStageName('train-1_b')).not.toThrow();
    for (const bad of ['a.b', 'a@b', 'a:b', 'a/b']) {
      let err: unknown;
      try {
        validateStageName(bad);
      } catch (e) {
        err = e;
      }
      expect(isMomoError(err, 'STAGE_NAME_INVALID') && (err as Error).message).toBe('Stage name cannot contain punctuation characters.');
    }
    let err: unknown;
    try {
      writeStageToPipeline({ stage: { name: 'build@a', group: { name: 'build', key: 'a' }, cmd: 'x', deps: [], params: [], outs: [] } });
    } catch (e) {
      err = e;
    }
    expect(isMomoError(err, 'STAGE_PARAMETRIZED_DUMP') && (err as Error).message).toBe("cannot dump a parametrized stage: 'build@a'");
  });

  it('keeps comments and layout elsewhere when the file is not in DVC layout', () => {
    const text = '# my pipeline\nstages:\n    prep:   # first\n        cmd: echo prep\n        deps: [a, b]\n\n# trailing note\n';
    const added = writeStageToPipeline({ text, stage: { name: 'train', cmd: 'echo t', deps: ['b', 'a'], params: [], outs: [out('m')] } });
    expect(added.mode).toBe('preserved');
    expect(added.text).toBe(
      '# my pipeline\nstages:\n    prep:   # first\n        cmd: echo prep\n        deps: [a, b]\n    train:\n      cmd: echo t\n      deps:\n      - a\n      - b\n      outs:\n      - m\n\n# trailing note\n',
    );
    const changed = writeStageToPipeline({ text: added.text, stage: { name: 'prep', cmd: 'echo prep2', deps: [], params: [], outs: [] } });
    expect(changed.action).toBe('modified');
    expect(parsePipeline({ text: changed.text }).data.get('stages')).toEqual(
      new Map([
        ['prep', new Map([['cmd', 'echo prep2']])],
        ['train', new Map<string, unknown>([['cmd', 'echo t'], ['deps', ['a', 'b']], ['outs', ['m']]])],
      ]),
    );
    expect(changed.text.startsWith('# my pipeline\nstages:\n    prep:\n      cmd: echo prep2\n    train:')).toBe(true);
  });
});

describe('removing stages from dvc.yaml', () => {
  it('removes a stage and deletes the file with the last one (E30)', () => {
    const text = golden('freeze', 'dvc.yaml');
    const r = removeStageFromPipeline({ text, name: 'a' });
    expect(r.text).toBe('stages:\n  b:\n    cmd: echo b\n    deps:\n    - y\n    outs:\n    - z\n');
    expect(removeStageFromPipeline({ text: r.text!, name: 'b' })).toEqual({ text: undefined, removed: true, mode: 'exact' });
    expect(removeStageFromPipeline({ text: 'vars:\n- a: 1\nstages:\n  b:\n    cmd: x\n', name: 'b' }).text).toBeUndefined();
    expect(removeStageFromPipeline({ text, name: 'nope' })).toEqual({ text, removed: false, mode: 'exact' });
  });

  it('keeps comments of the other stages', () => {
    const text = 'stages:\n  # keep me\n  a:\n    cmd: x  # a\n  b:\n    cmd: y\n';
    expect(removeStageFromPipeline({ text, name: 'b' }).text).toBe('stages:\n  # keep me\n  a:\n    cmd: x  # a\n');
  });

  it('refuses to remove a generated stage', () => {
    expect(() => removeStageFromPipeline({ text: 'stages: {}\n', name: 'b@x', group: { name: 'b', key: 'x' } })).toThrow(
      "cannot remove a parametrized stage: 'b@x'",
    );
  });
});
