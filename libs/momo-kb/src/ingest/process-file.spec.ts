import { describe, expect, it } from 'vitest';
import { blankDocComments, blankPythonDocstrings } from './process-file.js';

describe('holding doc comments out', () => {
  it('blanks TypeScript doc comments and keeps every line', () => {
    const src = '/** Loads it. */\nexport function load() {}\n';
    const out = blankDocComments(src);
    expect(out).not.toContain('Loads');
    expect(out.split('\n')).toHaveLength(src.split('\n').length);
  });

  it('blanks Python docstrings of the module, classes and functions but keeps their quotes and other strings', () => {
    const src = [
      '"""Module doc."""',
      'class Store:',
      '    """A store.',
      '',
      '    More."""',
      '    def get(self, key: str) -> str:',
      "        r'''Return the value.'''",
      '        return "not a doc"',
      '',
    ].join('\n');
    const out = blankPythonDocstrings(src);
    expect(out).not.toMatch(/Module doc|A store|More|Return the value/);
    expect(out).toContain('return "not a doc"');
    expect(out).toContain("r'''");
    expect(out.length).toBe(src.length);
    expect(out.split('\n')).toHaveLength(src.split('\n').length);
  });
});
