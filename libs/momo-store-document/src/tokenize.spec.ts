import { describe, it, expect } from 'vitest';
import { tokenize } from './tokenize.js';

describe('tokenize', () => {
  it('splits camelCase, PascalCase and acronyms and keeps the whole identifier', () => {
    expect(tokenize('getUserName()')).toEqual(['getusername', 'get', 'user', 'name']);
    expect(tokenize('HTTPServer2')).toEqual(['httpserver2', 'http', 'server']);
    expect(tokenize('parseJSONValue')).toEqual(['parsejsonvalue', 'parse', 'json', 'value']);
  });

  it('splits snake_case and $-prefixed names', () => {
    expect(tokenize('save_document')).toEqual(['save_document', 'save', 'document']);
    expect(tokenize('__init__ $scope')).toEqual(['init', 'scope']);
    expect(tokenize('MAX_TOKEN_LENGTH')).toEqual(['max_token_length', 'max', 'token', 'length']);
  });

  it('keeps paths, dotted names and kebab-case whole and splits their segments', () => {
    expect(tokenize('libs/momo-kb/src/index.ts')).toEqual(['libs/momo-kb/src/index.ts', 'libs', 'momo', 'kb', 'src', 'index', 'ts']);
    expect(tokenize('os.path.join')).toEqual(['os.path.join', 'os', 'path', 'join']);
    expect(tokenize('std::vec::Vec')).toEqual(['std::vec::vec', 'std', 'vec', 'vec']);
    expect(tokenize('C:\\Users\\momo')).toEqual(['c:\\users\\momo', 'users', 'momo']);
  });

  it('does not join words across spaces or trailing separators', () => {
    expect(tokenize('end. Next-')).toEqual(['end', 'next']);
    expect(tokenize('a - b')).toEqual([]);
  });

  it('drops English stopwords and one-letter sub-words but keeps code keywords', () => {
    expect(tokenize('the index of a vector')).toEqual(['index', 'vector']);
    expect(tokenize('import x from y; return class')).toEqual(['import', 'return', 'class']);
  });

  it('handles non-ASCII letters and digits', () => {
    expect(tokenize('café_naïve Größe 東京')).toEqual(['café_naïve', 'café', 'naïve', 'größe', '東京']);
    expect(tokenize('𝑥𝑦 value')).toEqual(['𝑥𝑦', 'value']);
  });

  it('drops tokens longer than 64 characters', () => {
    expect(tokenize(`${'a'.repeat(65)} ok`)).toEqual(['ok']);
  });

  it('finds the same compounds as the reference regular expression on random text', () => {
    // The scanner replaces /[\p{L}\p{N}_$]+(?:[./\\:-]+[\p{L}\p{N}_$]+)*/u; check it against it.
    const reference = /[\p{L}\p{N}_$]+(?:[./\\:-]+[\p{L}\p{N}_$]+)*/gu;
    const alphabet = ['a', 'B', 'z', '1', '_', '$', '.', '/', '\\', ':', '-', ' ', '(', 'é', '😀', '東', '\n', 'Q'];
    let seed = 3;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: 40 }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      const viaRegex = [...text.matchAll(reference)].flatMap((m) => tokenize(m[0]));
      expect(tokenize(text), JSON.stringify(text)).toEqual(viaRegex);
    }
  });
});
