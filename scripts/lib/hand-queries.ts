import { existsSync, readFileSync } from 'node:fs';
import { EXIT, MomoError } from '@momo/errors';
import { parse } from 'yaml';

/** Which half of the hand-written questions an entry belongs to. */
export type QuerySplit = 'dev' | 'test';

/**
 * One hand-written question with graded relevance at file level: `expect` lists the files that
 * answer it (grade 2), `related` files that help partly (grade 1). `split` says whether ranking
 * changes may be tuned on it (`dev`) or it is only reported (`test`); entries without one are
 * counted in the overall figures only.
 */
export interface HandQuery {
  q: string;
  expect: string[];
  related: string[];
  split?: QuerySplit;
}

function invalid(file: string, message: string, hint: string): MomoError {
  return new MomoError('BENCHMARK_QUERIES_INVALID', `'${file}': ${message}`, { hint, exitCode: EXIT.FAILED, data: { file } });
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((e) => typeof e === 'string');

/**
 * Reads hand-written questions: `queries: [{ q, expect: [files], related?: [files], split?: dev|test }]`.
 * @throws BENCHMARK_QUERIES_MISSING when the file does not exist, BENCHMARK_QUERIES_INVALID naming
 * the entry when one is malformed.
 */
export function readHandQueries(file: string): HandQuery[] {
  if (!existsSync(file)) {
    throw new MomoError('BENCHMARK_QUERIES_MISSING', `'${file}' does not exist`, {
      hint: 'create it with `queries: [{ q: "...", expect: ["path/to/file.ts"] }]` or pass --queries',
      exitCode: EXIT.FAILED,
    });
  }
  const doc = parse(readFileSync(file, 'utf8')) as { queries?: unknown };
  if (!doc || !Array.isArray(doc.queries)) throw invalid(file, "needs a top-level 'queries' list", 'write queries: [{ q: "...", expect: ["file"] }]');
  return doc.queries.map((x, i) => {
    const q = (x ?? {}) as { q?: unknown; expect?: unknown; related?: unknown; split?: unknown };
    if (typeof q.q !== 'string' || !isStringList(q.expect) || !q.expect.length) {
      throw invalid(file, `queries[${i}] needs a string 'q' and a non-empty list of files 'expect'`, 'fix that entry');
    }
    if (q.related !== undefined && !isStringList(q.related)) throw invalid(file, `queries[${i}].related must be a list of files`, 'fix that entry');
    if (q.split !== undefined && q.split !== 'dev' && q.split !== 'test') throw invalid(file, `queries[${i}].split must be 'dev' or 'test', got ${JSON.stringify(q.split)}`, 'fix that entry');
    const related = ((q.related as string[] | undefined) ?? []).filter((p) => !(q.expect as string[]).includes(p));
    return { q: q.q, expect: q.expect, related, ...(q.split ? { split: q.split as QuerySplit } : {}) };
  });
}

/** Relevance grades of a question's files: 2 for `expect`, 1 for `related`. */
export function gradesOf(query: HandQuery): Map<string, number> {
  const grades = new Map<string, number>();
  for (const p of query.related) grades.set(p, 1);
  for (const p of query.expect) grades.set(p, 2);
  return grades;
}
