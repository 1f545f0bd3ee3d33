import { describe, it, expect } from 'vitest';
import { importOptional, DRIVER_DEPENDENCIES } from './lazy-import.js';

describe('importOptional', () => {
  it('turns a missing SDK into DEPENDENCY_MISSING naming the install command', async () => {
    const err = await importOptional('s3', '@aws-sdk/client-s3', undefined, () => import('@momo/this-package-does-not-exist' as string)).catch((e) => e);
    expect(err.code).toBe('DEPENDENCY_MISSING');
    expect(err.message).toBe("[remote:s3] the s3 remote needs the package '@aws-sdk/client-s3', which is not installed");
    expect(err.hint).toContain(`npm i -E @aws-sdk/client-s3@${DRIVER_DEPENDENCIES.s3['@aws-sdk/client-s3']}`);
  });

  it('returns an injected module without importing', async () => {
    const lib = { injected: true };
    expect(await importOptional('ssh', 'ssh2', lib, () => Promise.reject(new Error('not called')))).toBe(lib);
  });

  it('pins versions that match the installed packages', async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    for (const deps of Object.values(DRIVER_DEPENDENCIES)) {
      for (const [pkg, version] of Object.entries(deps)) expect((require(`${pkg}/package.json`) as { version: string }).version).toBe(version);
    }
  });
});
