import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tmpRepo, type TmpRepo } from '@momo/testing';
import { walkRepo } from './walk-repo.js';

describe('walkRepo', () => {
  let repo: TmpRepo;
  beforeEach(() => {
    repo = tmpRepo({ prefix: 'momo-kb-walk-' });
  });
  afterEach(() => repo.cleanup());

  it('honours nested .gitignore files, negations and .dvcignore, and counts what it skips', () => {
    repo.gen({
      '.gitignore': '*.gen.ts\n',
      '.dvcignore': 'big-data/\n',
      'a.ts': 'export {};\n',
      'b.gen.ts': 'export {};\n',
      'big-data': { 'x.py': 'X = 1\n' },
      pkg: {
        '.gitignore': '!keep.gen.ts\nlocal/\n',
        'keep.gen.ts': 'export {};\n',
        'drop.gen.ts': 'export {};\n',
        local: { 'y.ts': 'export {};\n' },
        'notes.txt': 'hello\n',
        'bundle.min.js': 'x\n',
      },
    });
    const r = walkRepo({ root: repo.root, maxFileBytes: 1000 });
    expect(r.files.map((f) => [f.path, f.language])).toEqual([
      ['a.ts', 'typescript'],
      ['pkg/keep.gen.ts', 'typescript'],
    ]);
    expect(r.skipped.counts).toEqual({ ignored: 4, vendored: 0, generated: 1, binary: 0, huge: 0, unsupported: 4 });
    expect(r.skipped.examples.ignored.sort()).toEqual(['b.gen.ts', 'big-data/', 'pkg/drop.gen.ts', 'pkg/local/']);
  });

  it('walks a sub-directory with the ignore files of its ancestors', () => {
    repo.gen({ '.gitignore': 'secret.ts\n', pkg: { 'secret.ts': 'x\n', 'open.ts': 'y\n' } });
    const r = walkRepo({ root: repo.root, under: 'pkg', maxFileBytes: 1000 });
    expect(r.files.map((f) => f.path)).toEqual(['pkg/open.ts']);
    expect(r.skipped.examples.ignored).toEqual(['pkg/secret.ts']);
  });

  it('can restrict the walk to some languages', () => {
    repo.gen({ 'a.ts': 'x\n', 'b.py': 'x\n', 'c.md': '# c\n' });
    const r = walkRepo({ root: repo.root, maxFileBytes: 1000, languages: ['python', 'markdown'] });
    expect(r.files.map((f) => f.path)).toEqual(['b.py', 'c.md']);
    expect(r.skipped.counts.unsupported).toBe(1);
  });
});
