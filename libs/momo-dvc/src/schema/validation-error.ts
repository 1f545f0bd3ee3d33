/**
 * Turns schema errors into the MomoError DVC would print (`dvc/utils/strictyaml.py::YAMLValidationError`):
 *
 * ```
 * './dvc.yaml' validation failed: 2 errors.
 *
 * extra keys not allowed, in stages -> train -> foo, line 3, column 5
 *   2 │   train:
 *   3 │     cmd: echo hi
 *   4 │     foo: 1
 * ```
 *
 * The line/column is the start of the nearest mapping or list at or above the error path
 * (`determine_linecol`); the excerpt shows the line before it through `step` lines after it.
 * When the document is not a mapping, DVC prints the first error inline: `'…' validation failed:
 * expected a dictionary.`
 */
import type { MomoError } from '@momo/errors';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import type { DvcErrorCode } from '../errors/codes.js';
import type { ParsedYaml, YamlPathSegment } from '../yaml/parse.js';
import { keyToString, type YamlKey } from '../yaml/parse.js';
import type { SchemaError } from './validator.js';

function pathItemToString(p: unknown): string {
  if (p === null || typeof p === 'string' || typeof p === 'number' || typeof p === 'boolean' || typeof p === 'bigint') {
    return keyToString(p as YamlKey);
  }
  return String(p);
}

/** Builds the DVC-worded validation error for `errors` found in `parsed`. */
export function schemaValidationError(
  errors: SchemaError[],
  parsed: Pick<ParsedYaml, 'file' | 'errorPosition' | 'sourceLine' | 'data'>,
  code: DvcErrorCode,
): MomoError {
  const head = `'${parsed.file}' validation failed${errors.length > 1 ? `: ${errors.length} errors` : ''}`;
  const isMapping = parsed.data instanceof Map || (typeof parsed.data === 'object' && parsed.data !== null && !Array.isArray(parsed.data));
  const details: string[] = [];
  const located: Array<{ message: string; path: string[]; line?: number; column?: number }> = [];
  if (isMapping) {
    for (const err of errors) {
      const segments = err.path.map((p) => (typeof p === 'number' ? p : pathItemToString(p))) as YamlPathSegment[];
      const { line, column, step } = parsed.errorPosition(segments);
      const parts = [err.message];
      if (err.path.length) parts.push('in ' + err.path.map(pathItemToString).join(' -> '));
      if (line) parts.push(`line ${line}`);
      if (column) parts.push(`column ${column}`);
      if (details.length) details.push('');
      details.push(parts.join(', '));
      if (line) {
        for (let n = Math.max(1, line - 1); n <= line + step - 1; n++) {
          details.push(`${String(n).padStart(3)} │ ${parsed.sourceLine(n)}`);
        }
      }
      located.push({ message: err.message, path: err.path.map(pathItemToString), line, column });
    }
  }
  const message = details.length ? `${head}.\n\n${details.join('\n')}` : `${head}: ${errors[0]?.message ?? 'invalid'}.`;
  return dvcError(code, message, {
    hint: `fix '${parsed.file}' so that it matches the format DVC expects (see https://dvc.org/doc/user-guide/project-structure)`,
    data: { file: parsed.file, errors: located },
    exitCode: EXIT.UNEXPECTED,
  });
}
