import { describe, it, expect } from 'vitest';
import { testErrorCodes } from '@momo/testing';
import { REMOTE_ERROR_CODES } from './codes.js';
import * as api from './index.js';

testErrorCodes({ codes: REMOTE_ERROR_CODES, srcDir: import.meta.dirname, raisedBy: /remoteError\([^,]+,\s*(?:[^']*?\?\s*)?'([A-Z_]+)'/, minRaised: 10 });

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
