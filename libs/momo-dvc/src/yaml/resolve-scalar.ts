/**
 * YAML 1.2 implicit typing of plain scalars, as ruamel.yaml (the library DVC uses) does it.
 *
 * Matches ruamel.yaml `resolver.py` (`implicit_resolvers` restricted to version 1.2, tried in
 * order, selected by the scalar's first character). This differs from the `yaml` package's core
 * schema: `1_000` is an int, `0o17`/`017` are octal ints, `2020-01-01` is a timestamp, `<<` a merge
 * key and `=` a value key. Used both to decide whether a string must be quoted when dumping and to
 * type plain scalars when loading params files and `dvc.lock`.
 */

/** The implicit tag a plain scalar resolves to. */
export type PlainTag = 'str' | 'bool' | 'int' | 'float' | 'null' | 'timestamp' | 'merge' | 'value' | 'yaml';

interface Resolver {
  tag: PlainTag;
  re: RegExp;
  first: string[];
}

const RESOLVERS: Resolver[] = [
  { tag: 'bool', re: /^(?:true|True|TRUE|false|False|FALSE)$/, first: [...'tTfF'] },
  {
    tag: 'float',
    re: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    first: [...'-+0123456789.'],
  },
  {
    tag: 'int',
    re: /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/,
    first: [...'-+0123456789'],
  },
  { tag: 'merge', re: /^(?:<<)$/, first: ['<'] },
  { tag: 'null', re: /^(?:~|null|Null|NULL|)$/, first: ['~', 'n', 'N', ''] },
  {
    tag: 'timestamp',
    re: /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
    first: [...'0123456789'],
  },
  { tag: 'value', re: /^(?:=)$/, first: ['='] },
  { tag: 'yaml', re: /^(?:!|&|\*)$/, first: [...'!&*'] },
];

const BY_FIRST = new Map<string, Resolver[]>();
for (const r of RESOLVERS) {
  for (const ch of r.first) {
    const list = BY_FIRST.get(ch) ?? [];
    list.push(r);
    BY_FIRST.set(ch, list);
  }
}

/** The tag ruamel.yaml gives `text` when it appears as a plain (unquoted) scalar. */
export function resolvePlainTag(text: string): PlainTag {
  const list = BY_FIRST.get(text === '' ? '' : text[0]!);
  if (list) {
    for (const r of list) if (r.re.test(text)) return r.tag;
  }
  return 'str';
}
