import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { oracleDvcPath, testEnv } from '@momo/testing';

/** A tree tagged so key order survives JSON: `{s: [[key, node]...]}` section, `{v: value}` scalar. */
export type Tagged = { s: Array<[string, Tagged]> } | { v: unknown };

export interface OracleRequest {
  parse?: string[];
  quote?: Array<[unknown, boolean]>;
  write?: Tagged[];
  load?: Array<{ dvc_dir: string; global_dir: string; system_dir: string }>;
  remote?: Array<{ dvc_dir: string; global_dir: string; system_dir: string; name?: string; command?: string }>;
}

export type OracleResult<T> = { ok: T } | { error: string; type?: string } | { crash: string };

export interface OracleAnswer {
  parse: Array<OracleResult<Tagged>>;
  quote: Array<OracleResult<string>>;
  write: Array<OracleResult<string>>;
  load: Array<OracleResult<Tagged>>;
  remote: Array<OracleResult<{ protocol: string | string[]; path: string }>>;
}

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'config_oracle.py');

/** Asks configobj 5.0.9 and DVC 3.67.1 (installed in the oracle venv) everything in one process. */
export function askPython(req: OracleRequest): OracleAnswer {
  const python = join(dirname(oracleDvcPath()), 'python');
  const r = spawnSync(python, [SCRIPT], { input: JSON.stringify(req), encoding: 'utf8', env: testEnv(), maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`config oracle failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleAnswer;
}
