/**
 * Schemas of `dvc.yaml` and `dvc.lock`, equivalent to DVC 3.67.1 `dvc/schema.py`
 * (`MULTI_STAGE_SCHEMA`, `STAGE_DEFINITION`, `FOREACH_IN`, `LOCKFILE_SCHEMA`,
 * `LOCK_FILE_STAGE_SCHEMA`, `DATA_SCHEMA`), `dvc/output.py` (`CHECKSUMS_SCHEMA`, `META_SCHEMA`,
 * `CLOUD_SCHEMA`, `DIR_FILES_SCHEMA`) and `dvc/annotations.py` (`ANNOTATION_SCHEMA`,
 * `ARTIFACT_SCHEMA`). `datasets` is not validated in either file (`object`).
 */
import { SchemaInvalid, all, any, anything, equal, listOf, literal, mapping, maxLength, type, type KeySpec, type Validator } from './validator.js';

const k = (name: string, required = false): KeySpec => ({ literal: name, required });
const STR_KEY: KeySpec = { type: 'str' };
const str = type('str');
const bool = type('bool');
const int = type('int');

const ANNOTATION: Array<[KeySpec, Validator]> = [
  [k('desc'), str],
  [k('type'), str],
  [k('labels'), listOf(str)],
  [k('meta'), anything],
];

/** `{str: {annotations, cache, persist, checkpoint, remote, push}}` */
const OUT_FLAGS: Array<[KeySpec, Validator]> = [
  ...ANNOTATION,
  [k('cache'), bool],
  [k('persist'), bool],
  [k('checkpoint'), bool],
  [k('remote'), str],
  [k('push'), bool],
];
const OUT_PSTAGE_DETAILED = mapping([[STR_KEY, mapping(OUT_FLAGS)]]);

/** Plot properties accepted on a stage's plots output (`PLOT_PROPS`). */
export const PLOT_PROPS = ['template', 'x', 'y', 'x_label', 'y_label', 'title', 'header'] as const;
const PLOT_PROPS_SCHEMA = mapping([
  ...OUT_FLAGS,
  [k('template'), str],
  [k('x'), str],
  [k('y'), str],
  [k('x_label'), str],
  [k('y_label'), str],
  [k('title'), str],
  [k('header'), bool],
]);
const PLOT_PSTAGE = mapping([[STR_KEY, any(PLOT_PROPS_SCHEMA, listOf(PLOT_PROPS_SCHEMA))]]);

const VARS = listOf(str, type('dict'));

const STAGE_DEFINITION = mapping([
  [k('matrix'), mapping([[STR_KEY, any(str, type('list'))]])],
  [k('cmd', true), any(str, type('list'))],
  [k('wdir'), str],
  [k('deps'), listOf(str)],
  [k('params'), listOf(any(str, type('dict')))],
  [k('vars'), VARS],
  [k('frozen'), bool],
  [k('meta'), anything],
  [k('desc'), str],
  [k('always_changed'), bool],
  [k('outs'), listOf(any(str, OUT_PSTAGE_DETAILED))],
  [k('metrics'), listOf(any(str, OUT_PSTAGE_DETAILED))],
  [k('plots'), listOf(any(str, PLOT_PSTAGE))],
]);

const FOREACH_IN = mapping([
  [k('foreach', true), any(type('dict'), type('list'), str)],
  [k('do', true), STAGE_DEFINITION],
]);

/** `either_or(STAGE_DEFINITION, FOREACH_IN, [foreach, do])`. */
const STAGE_OR_FOREACH: Validator = (path, value) => {
  const useForeach = value instanceof Map && (value.has('foreach') || value.has('do'));
  (useForeach ? FOREACH_IN : STAGE_DEFINITION)(path, value);
};

const PLOT_DEFINITION = mapping([
  [k('x'), any(str, mapping([[STR_KEY, str]]))],
  [k('y'), any(str, listOf(str), mapping([[STR_KEY, any(str, listOf(str))]]))],
  [k('x_label'), str],
  [k('y_label'), str],
  [k('title'), str],
  [k('template'), str],
]);
const SINGLE_PLOT: Validator = (path, value) => {
  mapping([[STR_KEY, any(PLOT_DEFINITION, literal(null))]])(path, value);
  if (value instanceof Map && value.size === 0) {
    throw new SchemaInvalid([{ message: 'required key not provided', path: [...path, "<class 'str'>"] }]);
  }
};

const ARTIFACT = mapping([[k('path', true), str], ...ANNOTATION]);

/** `MULTI_STAGE_SCHEMA`: the whole `dvc.yaml`. */
export const PIPELINE_SCHEMA: Validator = mapping([
  [k('datasets'), anything],
  [k('plots'), listOf(any(str, SINGLE_PLOT))],
  [k('stages'), mapping([[STR_KEY, STAGE_OR_FOREACH]])],
  [k('vars'), VARS],
  [k('params'), listOf(str)],
  [k('metrics'), listOf(str)],
  [k('artifacts'), mapping([[STR_KEY, ARTIFACT]])],
]);

/** `CHECKSUM_SCHEMA`: None, '', or a str/int of at least 3 characters. */
const checksum: Validator = (path, value) => {
  if (value === null || value === '') return;
  if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint') {
    if (String(value).length >= 3) return;
  }
  throw new SchemaInvalid([{ message: 'not a valid value', path }]);
};

const CHECKSUMS: Array<[KeySpec, Validator]> = [
  [k('md5'), checksum],
  [k('checksum'), checksum],
  [k('etag'), checksum],
];
const META: Array<[KeySpec, Validator]> = [
  [k('size'), int],
  [k('nfiles'), int],
  [k('isexec'), bool],
  [k('version_id'), str],
];
const CLOUD = all(mapping([[STR_KEY, mapping([...META, ...CHECKSUMS])]]), maxLength(1));
const DIR_FILES = mapping([...CHECKSUMS, ...META, [k('relpath', true), str], [k('cloud'), CLOUD]]);

/** `DATA_SCHEMA`: one `deps`/`outs` entry of a lock stage. */
export const LOCK_DATA_SCHEMA = mapping([
  ...CHECKSUMS,
  ...META,
  [k('path', true), str],
  [k('cloud'), CLOUD],
  [k('files'), listOf(DIR_FILES)],
  [k('hash'), str],
  [k('dataset'), type('dict')],
]);

const LOCK_STAGE = mapping([
  [k('cmd', true), any(str, type('list'))],
  [k('deps'), listOf(LOCK_DATA_SCHEMA)],
  [k('params'), mapping([[STR_KEY, mapping([[STR_KEY, anything]])]])],
  [k('outs'), listOf(LOCK_DATA_SCHEMA)],
]);

/** `LOCKFILE_SCHEMA`: the whole `dvc.lock`. */
export const LOCKFILE_SCHEMA: Validator = mapping([
  [k('schema', true), equal('2.0', 'invalid schema version')],
  [k('datasets'), anything],
  [k('stages'), mapping([[STR_KEY, LOCK_STAGE]])],
]);
