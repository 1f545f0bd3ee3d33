import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineTwins, same, sameFile, cacheListing, dvcYaml, type Twins } from './pipelines-kit.js';

// dvc-compat §11.6 and §16.9 #97–#99 (local part): the run-cache in DVC's layout
// (.dvc/cache/runs/xx/<key>/<value>), same keys, values and entry bytes as DVC 3.67.1.

let t: Twins | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const runEntries = (root: string) => cacheListing(root).filter((l) => l.startsWith('runs/'));

describe('run-cache (§11.6)', () => {
  it('saves DVC-identical entries and restores deleted outputs without running (#52, #63)', () => {
    t = pipelineTwins({ foo: 'foo', 'params.yaml': 'lr: 0.001\nsize: 3\n', 'dvc.yaml': dvcYaml({ s: { cmd: 'cp foo bar && echo ran >> runs.log', deps: ['foo'], params: ['lr', 'size'], outs: ['bar'] } }) });
    same(t, ['repro', '-q']);
    expect(runEntries(t.momo.root)).toEqual(runEntries(t.dvc.root));
    const [entry] = runEntries(t.momo.root);
    expect(readFileSync(join(t.momo.root, '.dvc/cache', entry!.split(' ')[0]!), 'utf8')).toBe(readFileSync(join(t.dvc.root, '.dvc/cache', entry!.split(' ')[0]!), 'utf8'));
    t.each((r) => rmSync(join(r.root, 'bar')));
    same(t, ['repro']);
    t.each((r) => rmSync(join(r.root, 'dvc.lock')));
    same(t, ['repro']);
    sameFile(t, 'dvc.lock');
    expect(readFileSync(join(t.momo.root, 'runs.log'), 'utf8')).toBe('ran\n');
    // --no-run-cache still restores from the lock itself, but never looks entries up
    t.each((r) => rmSync(join(r.root, 'bar')));
    same(t, ['repro', '--no-run-cache']);
    t.each((r) => rmSync(join(r.root, 'dvc.lock')));
    same(t, ['repro', '--no-run-cache']);
    expect(readFileSync(join(t.momo.root, 'runs.log'), 'utf8')).toBe('ran\nran\n');
  });

  it('skips stages with plain cache: false outputs, but caches metrics/plots without cache (#98)', () => {
    t = pipelineTwins({
      foo: 'foo',
      'dvc.yaml': dvcYaml({
        plain: { cmd: 'cp foo p', deps: ['foo'], outs: [{ p: { cache: false } }] },
        metric: { cmd: 'echo \'{"acc": 1}\' > m.json', deps: ['foo'], metrics: [{ 'm.json': { cache: false } }] },
      }),
    });
    same(t, ['repro', '-q']);
    expect(runEntries(t.momo.root)).toEqual(runEntries(t.dvc.root));
    expect(runEntries(t.momo.root)).toHaveLength(1);
    expect(cacheListing(t.momo.root)).toEqual(cacheListing(t.dvc.root));
    t.each((r) => rmSync(join(r.root, 'm.json')));
    same(t, ['repro', 'metric']);
    sameFile(t, 'm.json');
  });

  it('keeps one value per run of a non-deterministic stage and restores the newest (#99)', () => {
    t = pipelineTwins({ foo: 'foo', 'dvc.yaml': dvcYaml({ r: { cmd: 'date +%s%N > out', deps: ['foo'], outs: ['out'] } }) });
    same(t, ['repro', '-q']);
    same(t, ['repro', '-q', '-f']);
    const dir = (root: string) => {
      const runs = join(root, '.dvc/cache/runs');
      const kk = readdirSync(runs)[0]!;
      const key = readdirSync(join(runs, kk))[0]!;
      return join(runs, kk, key);
    };
    const values = readdirSync(dir(t.momo.root));
    expect(values).toHaveLength(2);
    // make the first value the newest: it is the one restored
    const first = values.find((v) => readFileSync(join(dir(t!.momo.root), v), 'utf8') !== readFileSync(join(dir(t!.momo.root), values.find((x) => x !== v)!), 'utf8'))!;
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(dir(t.momo.root), first), future, future);
    const expected = readFileSync(join(dir(t.momo.root), first), 'utf8').match(/- path: out\n\s+hash: md5\n\s+md5: (\w+)/)![1];
    rmSync(join(t.momo.root, 'out'));
    rmSync(join(t.momo.root, 'dvc.lock'));
    t.gen({ foo: 'foo' }, undefined);
    const r = t.run(['repro']);
    expect(r.momo.stdout).toContain("Stage 'r' is cached - skipping run, checking out outputs");
    expect(readFileSync(join(t.momo.root, 'dvc.lock'), 'utf8')).toContain(`md5: ${expected}`);
    expect(existsSync(join(t.momo.root, 'out'))).toBe(true);
  });
});
