import { describe, expect, it } from 'vitest';
import { tokenize } from '../text/tokenize.js';
import { HashingEmbedder } from './hashing-embedder.js';

describe('HashingEmbedder', () => {
  const e = new HashingEmbedder();

  it('is deterministic, unit length and of the configured size', async () => {
    const [a] = await e.embed(['parseConfigFile reads the config']);
    const [b] = await new HashingEmbedder().embed(['parseConfigFile reads the config']);
    expect(a).toEqual(b);
    expect(a.length).toBe(256);
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    expect(new HashingEmbedder({ dimension: 64 }).id).toBe('hash-v1:64');
  });

  it('embeds token lists exactly like the text they came from', () => {
    const path = 'libs/a/src/config-file.ts';
    const text = 'export function parseConfigFile(p: string) {\n  return readFileSync(p);\n}';
    expect(e.embedTerms(tokenize(path), tokenize('parseConfigFile'), tokenize(text))).toEqual(e.embedOne(`${path}\nparseConfigFile\n${text}`));
  });

  it('puts morphological variants closer than unrelated words', () => {
    const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
    const serialize = e.embedOne('serializeDocument');
    expect(cos(serialize, e.embedOne('document serialization'))).toBeGreaterThan(cos(serialize, e.embedOne('open a network socket')) + 0.2);
  });
});
