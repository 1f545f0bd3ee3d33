import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REMOTE_ERROR_CODES } from './codes.js';
import * as api from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && e.name !== 'codes.ts' ? [join(dir, e.name)] : [],
  );
}

describe('error codes', () => {
  it('are UPPER_SNAKE and each is raised somewhere in the sources', () => {
    const text = sources(here).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const code of Object.keys(REMOTE_ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(text.includes(`'${code}'`), `${code} is never raised`).toBe(true);
    }
  });

  it('every code raised in the sources is registered', () => {
    const text = sources(here).map((f) => readFileSync(f, 'utf8')).join('\n');
    const raised = new Set([...text.matchAll(/remoteError\([^,]+,\s*(?:[^']*?\?\s*)?'([A-Z_]+)'/g)].map((m) => m[1]));
    for (const code of raised) expect(Object.keys(REMOTE_ERROR_CODES)).toContain(code);
    expect(raised.size).toBeGreaterThan(10);
  });
});

describe('public surface', () => {
  it('exports this list of names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_RETRY",
        "DRIVER_DEPENDENCIES",
        "HttpRemote",
        "LOCAL_OBJECT_MODE",
        "LocalRemote",
        "OBJECTS_DIR",
        "REMOTE_CONFIG_KEYS",
        "REMOTE_ERROR_CODES",
        "S3Remote",
        "SshRemote",
        "computeBackoff",
        "createHttpRemote",
        "createLocalRemote",
        "createRemote",
        "createS3Remote",
        "createSshRemote",
        "isRemoteError",
        "isTempName",
        "legacyObjectPath",
        "mapLimit",
        "objectPath",
        "remoteError",
        "resolveRemoteScheme",
        "settleLimit",
        "withRetry",
      ]
    `);
  });
});
