import { describe, expect, it } from 'vitest';
import { expandGlob, globMatches, globTouches, hasGlobMagic, staticBase, type ListDir } from './glob.js';

const TREE: Record<string, string[]> = {
  '': ['apps/', 'libs/', 'README.md'],
  apps: ['core/', 'web/', '.hidden/'],
  'apps/core': ['main.ts'],
  'apps/web': [],
  'apps/.hidden': [],
  libs: ['python/', 'ts/'],
  'libs/python': ['momo-kb/', 'momo-graph/', 'notes.md'],
  'libs/python/momo-kb': ['momo_kb/', 'momo.md', 'node_modules/'],
  'libs/python/momo-kb/momo_kb': ['__init__.py'],
  'libs/python/momo-kb/node_modules': ['x/'],
  'libs/python/momo-kb/node_modules/x': [],
  'libs/python/momo-graph': ['momo_graph/', 'momo.md'],
  'libs/python/momo-graph/momo_graph': ['g.py'],
  'libs/ts': [],
};
const list: ListDir = (dir) => (TREE[dir] ?? []).map((e) => ({ name: e.replace(/\/$/, ''), dir: e.endsWith('/') }));

describe('glob deps', () => {
  it('expands the seed patterns, directories only with a trailing slash, sorted', () => {
    expect(expandGlob('libs/python/*/momo_*/', '', list)).toEqual(['libs/python/momo-graph/momo_graph/', 'libs/python/momo-kb/momo_kb/']);
    expect(expandGlob('libs/python/*/momo.md', '', list)).toEqual(['libs/python/momo-graph/momo.md', 'libs/python/momo-kb/momo.md']);
    expect(expandGlob('apps/*/', '', list)).toEqual(['apps/.hidden/', 'apps/core/', 'apps/web/']);
    expect(expandGlob('libs/python/*/', '', list)).toEqual(['libs/python/momo-graph/', 'libs/python/momo-kb/']);
  });

  it('expands relative to a stage directory and walks ** without entering node_modules', () => {
    expect(expandGlob('**/*.py', 'libs/python', list)).toEqual(['momo-graph/momo_graph/g.py', 'momo-kb/momo_kb/__init__.py']);
    expect(expandGlob('momo-kb/**/', 'libs/python', list)).toEqual(['momo-kb/', 'momo-kb/momo_kb/']);
  });

  it('matches paths, with ** for any number of segments', () => {
    expect(globMatches('libs/python/*/momo_*', 'libs/python/momo-kb/momo_kb')).toBe(true);
    expect(globMatches('libs/python/*/momo_*', 'libs/python/momo-kb/other')).toBe(false);
    expect(globMatches('data/**', 'data')).toBe(true);
    expect(globMatches('data/**/x.json', 'data/a/b/x.json')).toBe(true);
    expect(globMatches('data/[!a]*', 'data/abc')).toBe(false);
    expect(globMatches('data/[!a]*', 'data/bcd')).toBe(true);
    expect(hasGlobMagic('a/b')).toBe(false);
    expect(staticBase('libs/python/*/momo_*/')).toBe('libs/python');
  });

  it('relates a glob dependency to outputs it equals, lies in, or contains', () => {
    expect(globTouches('libs/*/data/features.json', 'libs/b/data/features.json')).toBe(true);
    expect(globTouches('libs/*/data/features.json', 'libs/b/data')).toBe(true);
    expect(globTouches('libs/*/data/', 'libs/b/data/features.json')).toBe(true);
    expect(globTouches('libs/*/data/', 'libs')).toBe(true);
    expect(globTouches('libs/*/data/', 'libs/b/src')).toBe(false);
    expect(globTouches('libs/*/data/', 'apps/b/data')).toBe(false);
    expect(globTouches('data/**/x', 'data/deep')).toBe(true);
  });
});
