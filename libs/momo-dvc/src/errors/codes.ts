/**
 * Error codes of @momo/dvc with a one-line meaning each. Codes are API: never rename one after a
 * release. Append new codes at the end of the area they belong to.
 */
export const CODES = {
  // repository
  NOT_A_DVC_REPO: 'not inside a DVC repository',
  REPO_ALREADY_INITIALIZED: "'.dvc' exists and -f was not given",
  REPO_INIT_INVALID: 'dvc init refused (no SCM, ignored .dvc, incompatible flags)',
  REPO_LOCKED: 'another DVC/momo process holds .dvc/tmp/lock',
  PATH_BUSY: 'a path is locked for reading/writing by another process (.dvc/tmp/rwlock)',
  RWLOCK_CORRUPTED: '.dvc/tmp/rwlock is not valid JSON or has the wrong structure',
  PATH_OUTSIDE_REPO: 'a path leaves the repository',
  PATH_INSIDE_DVC_DIR: 'a target lies inside .dvc/',
  TARGET_NOT_FOUND: 'a target path does not exist',
  // config
  CONFIG_INVALID: 'a config file cannot be parsed or has a bad value',
  CONFIG_KEY_INVALID: 'a config key does not exist or is malformed',
  REMOTE_NOT_FOUND: 'the named remote is not configured',
  REMOTE_EXISTS: 'a remote with that name already exists',
  REMOTE_NO_DEFAULT: 'no default remote is set',
  // ignore files
  DVCIGNORE_INVALID: 'a .dvcignore pattern cannot be parsed',
  PATH_IGNORED: 'an output path is ignored by a .dvcignore',
  DVCIGNORE_IN_OUTPUT: 'a .dvcignore file inside a directory being hashed',
  GITIGNORE_OUTSIDE_REPO: 'a path to git-ignore is outside the git work tree',
  // dvc files
  DVCFILE_INVALID: 'a .dvc file is malformed (YAML or schema)',
  DVCFILE_NAME_INVALID: 'a DVC file name does not end in .dvc and is not dvc.yaml',
  OUTPUT_DUPLICATED: 'the same output is defined by two stages or .dvc files',
  OUTPUT_OVERLAPPING: 'two outputs overlap (one inside the other)',
  OUTPUT_IS_DVCFILE: 'an output would be a DVC file',
  OUTPUT_TRACKED_BY_SCM: 'an output is already tracked by git',
  OUTPUT_NOT_FOUND: 'an output does not exist in the workspace',
  // cache and checkout
  CACHE_OBJECT_MISSING: 'an object is not in the cache',
  CACHE_OBJECT_CORRUPTED: 'an object in the cache does not match its hash',
  CACHE_TYPE_INVALID: 'cache.type names an unsupported link type',
  CHECKOUT_FAILED: 'some targets could not be checked out (missing cache)',
  CHECKOUT_UNSAVED_CHANGES: 'checkout would delete files that are not in the cache',
  // usage
  USAGE_INVALID: 'invalid combination of command-line flags',
} as const;

export type DvcErrorCode = keyof typeof CODES;
