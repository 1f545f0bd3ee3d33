import { describe, expect, it } from 'vitest';
import { pyJsonDumps, compareCodePoints } from './py-json.js';
import { computeDirHash } from './dir-manifest.js';
import { md5Dos2UnixFile } from './md5.js';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('pyJsonDumps', () => {
  it('escapes like Python json.dumps with ensure_ascii', () => {
    expect(pyJsonDumps({ b: 'é😀\u007f"\\\n', a: [1, 2.5, null, true] })).toBe(
      '{"a": [1, 2.5, null, true], "b": "\\u00e9\\ud83d\\ude00\\u007f\\"\\\\\\n"}',
    );
  });
  it('sorts by code point, so astral characters sort after U+FFFD', () => {
    expect(['\ufffd', '😀', 'a'].sort(compareCodePoints)).toEqual(['a', '\ufffd', '😀']);
  });
});

describe('computeDirHash', () => {
  it('matches the worked example of the spec (§4.3)', () => {
    const h = computeDirHash([
      { relpath: 'sub/bar', md5: '37b51d194a7513e45b56f6524f2d51f2', size: 3 },
      { relpath: 'foo', md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3 },
    ]);
    expect(h.manifest.toString()).toBe(
      '[{"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "foo"}, {"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "sub/bar"}]',
    );
    expect(h).toMatchObject({ md5: '4c18c474509251c27acbe2ae64d64a81.dir', size: 6, nfiles: 2 });
  });
  it('gives the known hash of an empty directory', () => {
    expect(computeDirHash([]).md5).toBe('d751713988987e9331980363e24189ce.dir');
  });
  it('orders a-b before a/ entries before a0', () => {
    const h = computeDirHash(['a0', 'a/b', 'a-b', 'A'].map((relpath) => ({ relpath, md5: 'x' })));
    expect(JSON.parse(h.manifest.toString()).map((e: { relpath: string }) => e.relpath)).toEqual(['A', 'a-b', 'a/b', 'a0']);
  });
});

describe('md5Dos2UnixFile', () => {
  it('normalises CRLF in text chunks (legacy 2.x hash)', () => {
    const p = join(mkdtempSync(join(tmpdir(), 'momo-md5-')), 'crlf');
    writeFileSync(p, 'line1\r\nline2\r\n');
    expect(md5Dos2UnixFile(p).md5).toBe('4fcc82a88ee38e0aa16c17f512c685c9');
  });
});
