import { describe, expect, it } from 'vitest';
import { splitIdentifier, stem, tokenize, tokenizePath } from './tokenize.js';

describe('tokenize', () => {
  it('splits camelCase, PascalCase, acronyms, snake_case and digits', () => {
    expect(splitIdentifier('parseHTTPServer2Config')).toEqual(['parse', 'http', 'server', '2', 'config']);
    expect(splitIdentifier('load_repo_fast')).toEqual(['load', 'repo', 'fast']);
    expect(splitIdentifier('$el')).toEqual(['el']);
    expect(splitIdentifier('URL')).toEqual(['url']);
  });
  it('keeps the whole identifier next to its stemmed sub-tokens and drops stop words', () => {
    expect(tokenize('const readFiles = loadConfig(the_path);')).toEqual(['const', 'readfiles', 'read', 'file', 'loadconfig', 'load', 'config', 'thepath', 'path']);
  });
  it('joins plural and verb forms by light stemming', () => {
    expect(['parse', 'parses', 'parsing', 'parsed'].map(stem)).toEqual(['pars', 'pars', 'pars', 'pars']);
    expect(['create', 'created', 'creating', 'creates'].map(stem)).toEqual(['creat', 'creat', 'creat', 'creat']);
    expect(['queries', 'classes', 'status', 'files', 'file'].map(stem)).toEqual(['query', 'class', 'status', 'file', 'file']);
  });
  it('turns a path into its directory and file name words', () => {
    expect(tokenizePath('libs/momo-kb/src/walk/walk-repo.ts')).toEqual(['lib', 'momo', 'kb', 'src', 'walk', 'walk', 'repo']);
  });
});
