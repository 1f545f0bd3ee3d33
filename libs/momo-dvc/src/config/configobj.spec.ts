import { describe, expect, it } from 'vitest';
import { iniToTree, parseIni, quoteIniValue, serializeIni, IniQuoteError, type IniTree, type IniWriteTree } from './configobj.js';
import { askPython, type Tagged } from './__fixtures__/oracle.js';

/** Texts whose parse result (tree or error) must equal configobj 5.0.9's. */
const PARSE_CORPUS: string[] = [
  '',
  '\n',
  '# only a comment\n',
  '[core]\nremote = r\n',
  '[core]\n    remote = r\n    autostage = True\n',
  '[core]\n\tremote=r\n  \n',
  '[ core ]\nx = 1\n',
  `['remote "store"']\n    url = /x\n`,
  '[remote "store"]\nurl = s3://b/p\n',
  `[  'remote "a b"'  ]\nurl = x\n`,
  '["quoted section"]\nk = v\n',
  '# top\n[core] # section comment\nk = v # inline\nk2 = "v # x" # c\nk3 = v#x\nk4 = http://h/p#frag\n',
  'a = 1, 2\nb = 1,\nc = ,\nd = "x, y", z\ne = \'a\', "b",\nf = 1 , 2 ,  3 \n',
  'a = x,, y\n',
  'a = ,b\n',
  'a =\nb = ""\nc = \'\'\nd = "" # c\n',
  `a = "it's"\nb = 'say "hi"'\nc = x"y\nd = "a"b"\n`,
  'a = "unterminated\n',
  'a = "a" b\n',
  "a = '''x'''\nb = \"\"\"y\"\"\" # c\n",
  "a = '''line1\nline2'''\nb = 2\n",
  "a = '''l1\n  l2\nend''' # c\n",
  "a = '''unterminated\nx = 1\n",
  "a = '''x''' y\n",
  'a = """a\'\'\'b"""\n',
  "a = '''x\n''' trailing\nb = 1\n",
  '"quoted key" = 1\n\'k\' = 2\nk3=v\nk4 =v\n',
  'a = b = c\n',
  'a b = c\n',
  'foo\n',
  '[core\n',
  '[[x]]\n',
  '[a]\n[a]\n',
  'a = 1\na = 2\n',
  '[a]]\n',
  '= x\n',
  '[a]\nx\ny\n',
  '[a]\nx = 1\n[[b]]\ny = 2\n[[[c]]]\nz = 3\n[[d]]\nw = 4\n[e]\n',
  '[a]\n[[b]]\n[[[c]]]\n[x]\nk = 1\n',
  '[a]\n[[[b]]]\n',
  'top = 1\n[a]\nk = 2\n',
  '[a]\n  [[b]]\n  y=1\nx = 2\n',
  '[a]\nb = 1\n[[b]]\n',
  'a = 1\nb = %(a)s\n',
  '[s]\nb = %(a)s\n',
  'a = %(b)s\nb = %(a)s\n',
  '[s]\n[[DEFAULT]]\nx = 1\n[[t]]\ny = %(x)s\n',
  'x = top\n[s]\ny = %(x)s and %(x)s\n',
  'a = 100%\nb = %(\nc = %%(a)s\n',
  'a = 1\nb = %(a)s, 2\n',
  '[core]\r\nremote = r\r\n',
  '[core]\rremote = r\r',
  '[core]\fremote = r\n',
  '[core]\nremote = r\vx = 1\n',
  '[core]\x85remote = r\n',
  '[core]\u2028remote = r\n',
  '\ufeff[core]\n',
  '[core]\n\u00a0remote = x\n',
  'a = x\u00a0\nb = \u00a0y\n',
  '[Core]\nRemote = A\n[core]\nremote = b\n',
  'a = [x]\nb = (1, 2)\nc = {x}\n',
  'a = "x" # c, d\nb = x, "y" # c\n',
  "a = 'x''\n",
  '  # indented comment\n[core]\n\n\n  # another\nk = v\n',
];

const QUOTE_CORPUS: Array<[unknown, boolean]> = [
  ...[
    '',
    'a',
    ' a',
    'a ',
    'a,b',
    'a#b',
    "it's",
    'has "dq"',
    '"start',
    "'start",
    'end"',
    "end'",
    'a\tb',
    '\ta',
    'a\v',
    'a\f',
    '\u00a0a',
    'http://h/p#x',
    's3://bucket/path',
    '../../store',
    '~/x',
    'a = b',
    '[x]',
    "a'b\"c",
    'a\nb',
    "x\ny'",
  ].flatMap((v): Array<[unknown, boolean]> => [
    [v, true],
    [v, false],
  ]),
  [[], true],
  [['a'], true],
  [['a', 'b'], true],
  [['a b', 'c,d', '#'], true],
  [[' x', "it's"], true],
  [["a'b\"c"], true],
  [true, true],
  [false, true],
  [4, true],
];

/** Values configobj writes without complaint but cannot read back: momo refuses them. */
const UNREADABLE = ["a'''b\nc", 'a"""b\nc', "'''\n", 'x"""y\'z'];

function tag(tree: IniTree): Tagged {
  return { s: [...tree].map(([k, v]) => [k, v instanceof Map ? tag(v) : { v }] as [string, Tagged]) };
}

function untag(t: Tagged): IniWriteTree {
  if (!('s' in t)) throw new Error('root must be a section');
  return new Map(t.s.map(([k, v]) => [k, 's' in v ? untag(v) : (v.v as string)]));
}

function momoParse(text: string): { ok: Tagged } | { error: string } {
  const r = parseIni(text);
  if ('error' in r) return { error: r.error.message };
  try {
    return { ok: tag(iniToTree(r.root)) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const WRITE_CORPUS: Tagged[] = [
  { s: [] },
  { s: [['core', { s: [['remote', { v: 'storage' }], ['autostage', { v: true }]] }]] },
  {
    s: [
      ['cache', { s: [['type', { v: 'hardlink,symlink' }], ['shared', { v: 'group' }]] }],
      ['remote "storage"', { s: [['url', { v: 's3://bkt/dvc' }], ['endpointurl', { v: 'https://minio:9000' }]] }],
      ['top', { v: 'level scalar' }],
    ],
  },
  { s: [['core', { s: [['sub', { s: [['x', { v: '1' }]] }], ['a', { v: ['p', 'q'] }], ['empty', { s: [] }]] }]] },
  { s: [['s', { s: [['multi', { v: 'l1\nl2' }], ['both', { v: `a'b"c` }], ['hash', { v: 'a#b' }], ['one', { v: ['x'] }], ['none', { v: [] }]] }]] },
  { s: [['quoted key, with comma', { s: [[' spaced key', { v: 'v' }]] }]] },
];

/** Deterministic pseudo-random files built from the characters configobj's grammar cares about. */
function fuzzCorpus(count: number): string[] {
  let seed = 20240611;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const atoms = ['a', 'b', 'k', ' ', ' ', '\t', '=', ' = ', ',', ', ', '#', '"', "'", "'''", '"""', '[', ']', '[[', ']]', '%(a)s', 'x y', '\u00a0'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const lines: string[] = [];
    const n = 1 + rnd(4);
    for (let l = 0; l < n; l++) {
      const kind = rnd(5);
      let line = kind === 0 ? `[${'s'.repeat(1 + rnd(2))}]` : kind === 1 ? `k${l} = ` : '';
      const len = rnd(7);
      for (let j = 0; j < len; j++) line += atoms[rnd(atoms.length)];
      lines.push(line);
    }
    out.push(`a = 1\n${lines.join('\n')}\n`);
  }
  return out;
}

const FUZZ = fuzzCorpus(400);

describe('configobj reader (differential against configobj 5.0.9)', () => {
  const answer = askPython({ parse: [...PARSE_CORPUS, ...FUZZ], quote: QUOTE_CORPUS, write: WRITE_CORPUS });

  it('agrees with configobj on 400 generated files (trees and error messages)', () => {
    const mismatches: string[] = [];
    FUZZ.forEach((text, i) => {
      const want = answer.parse[PARSE_CORPUS.length + i];
      const expected = 'ok' in want ? { ok: want.ok } : { error: (want as { error: string }).error };
      const got = momoParse(text);
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        mismatches.push(`${JSON.stringify(text)}\n  configobj: ${JSON.stringify(expected)}\n  momo:      ${JSON.stringify(got)}`);
      }
    });
    expect(mismatches.slice(0, 5).join('\n')).toBe('');
  });

  it('parses every corpus text to the same tree, or fails with the same message', () => {
    const mismatches: string[] = [];
    PARSE_CORPUS.forEach((text, i) => {
      const want = answer.parse[i];
      const got = momoParse(text);
      const expected = 'ok' in want ? { ok: want.ok } : { error: (want as { error: string }).error };
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        mismatches.push(`${JSON.stringify(text)}\n  configobj: ${JSON.stringify(expected)}\n  momo:      ${JSON.stringify(got)}`);
      }
    });
    expect(mismatches.join('\n')).toBe('');
  });

  it('quotes values exactly as configobj, refusing what configobj cannot quote or read back', () => {
    const mismatches: string[] = [];
    QUOTE_CORPUS.forEach(([value, multiline], i) => {
      const want = answer.quote[i];
      let got: { ok: string } | { error: string };
      try {
        got = { ok: quoteIniValue(value as string, multiline) };
      } catch (e) {
        if (!(e instanceof IniQuoteError)) throw e;
        got = { error: e.message };
      }
      const unreadable = typeof value === 'string' && UNREADABLE.includes(value) && multiline;
      const same = JSON.stringify(got) === JSON.stringify(want) || (unreadable && 'error' in got);
      if (!same) mismatches.push(`${JSON.stringify([value, multiline])}: configobj ${JSON.stringify(want)} momo ${JSON.stringify(got)}`);
    });
    expect(mismatches.join('\n')).toBe('');
  });

  it('writes trees byte for byte as ConfigObj(dict).write()', () => {
    WRITE_CORPUS.forEach((tree, i) => {
      const want = answer.write[i];
      expect('ok' in want).toBe(true);
      expect(serializeIni(untag(tree))).toBe((want as { ok: string }).ok);
    });
  });
});

describe('configobj round trip', () => {
  it('reads back every value it writes', () => {
    const values = ['', 'a', ' lead', 'trail ', 'x,y', 'p#q', `it's`, 'say "hi"', `a'b"c`, 'l1\nl2', `l1\nit's "q"`, '100%', 'tab\tin'];
    const tree: IniWriteTree = new Map([['s', new Map(values.map((v, i) => [`k${i}`, v]))]]);
    tree.get('s') instanceof Map && (tree.get('s') as IniWriteTree).set('list', ['a b', 'c,d', "e'f"]);
    const parsed = parseIni(serializeIni(tree));
    if ('error' in parsed) throw new Error(parsed.error.message);
    const back = iniToTree(parsed.root).get('s') as IniTree;
    values.forEach((v, i) => expect(back.get(`k${i}`)).toBe(v));
    expect(back.get('list')).toEqual(['a b', 'c,d', "e'f"]);
  });

  it('refuses values configobj would write but not read back', () => {
    for (const v of UNREADABLE) expect(() => quoteIniValue(v)).toThrow(IniQuoteError);
  });

  it('writes an empty tree as a single newline (configobj always ends the output with one)', () => {
    expect(serializeIni(new Map())).toBe('\n');
  });

  it('reports the line of the first of several errors', () => {
    const r = parseIni('[a]\nok = 1\nbad\nalso bad\n');
    expect(r).toEqual({ error: { message: 'Parsing failed with several errors.\nFirst error at line 3.', line: 3 } });
  });
});
