import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { oracleDvcPath, testEnv } from '@momo/testing';

/** One question set for the DVC ignore oracle (see dvcignore_oracle.py). */
export type OracleRequest =
  | {
      root: string;
      checks?: Array<[string, boolean | null]>;
      walks?: string[];
      ignore_subrepos?: boolean;
    }
  | {
      /** one pattern list checked directly (sources `f:<line>:<pattern>`) */
      patterns: string[];
      paths: Array<[string, boolean]>;
    };

export type OracleCheck = { ignored: boolean; patterns: string[] } | { error: string };

export interface OracleAnswer {
  checks: OracleCheck[];
  walks: Array<string[] | { error: string }>;
  error?: string;
}

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'dvcignore_oracle.py');

/** Asks the installed DVC 3.67.1 (its Python DvcIgnoreFilter) all questions in one process. */
export function askDvc(requests: OracleRequest[]): OracleAnswer[] {
  const python = join(dirname(oracleDvcPath()), 'python');
  const r = spawnSync(python, [SCRIPT], { input: JSON.stringify(requests), encoding: 'utf8', env: testEnv() });
  if (r.status !== 0) throw new Error(`DVC oracle failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleAnswer[];
}
