/**
 * Error codes of @momo/nx-dvc with a one-line meaning each. Codes are API: never rename one after a
 * release. Every code here is thrown somewhere in this package (checked by codes.spec.ts).
 */
export const CODES = {
  NX_DVC_OPTIONS_INVALID: 'a plugin, executor or generator option has a bad value',
  NX_DVC_PROJECT_NOT_FOUND: 'the Nx project named by a generator option does not exist',
  NX_DVC_PYTHON_DVC_MISSING: 'engine "dvc" was chosen but the dvc executable cannot be started',
  NX_DVC_PYTHON_DVC_FAILED: 'the Python dvc process exited with a non-zero code',
  NX_DVC_REMOTE_URL_INVALID: 'a remote URL uses a scheme momo cannot talk to',
  NX_DVC_CONFIG_INVALID: 'an existing .dvc/config (in the Nx tree) cannot be parsed',
  NX_DVC_STAGE_INVALID: 'the stage generator was given an invalid stage (name, command, paths)',
} as const;

/** A registered error code of @momo/nx-dvc. */
export type NxDvcErrorCode = keyof typeof CODES;
