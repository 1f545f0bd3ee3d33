/** File and directory names DVC uses (dvc/repo/__init__.py, dvc/dvcfile.py). */
export const DVC_DIR = '.dvc';
export const CONFIG_FILE = 'config';
export const CONFIG_LOCAL_FILE = 'config.local';
export const TMP_DIR = 'tmp';
export const CACHE_DIR = 'cache';
export const LOCK_FILE_NAME = 'lock';
export const RWLOCK_FILE_NAME = 'rwlock';
export const DVCIGNORE_FILE = '.dvcignore';
export const GITIGNORE_FILE = '.gitignore';
export const PROJECT_FILE = 'dvc.yaml';
export const LOCK_FILE = 'dvc.lock';
export const DVC_FILE_SUFFIX = '.dvc';
export const DEFAULT_PARAMS_FILE = 'params.yaml';
export const LOCKFILE_SCHEMA_VERSION = '2.0';
/** DVC 3 objects live under `<cache>/files/md5/`; legacy 2.x objects directly under `<cache>/`. */
export const CACHE_FILES_PREFIX = 'files/md5';
export const RUN_CACHE_DIR = 'runs';
export const DIR_SUFFIX = '.dir';
/** Text `dvc init` writes into a new .dvcignore (dvc/ignore.py). */
export const DVCIGNORE_INIT_TEXT =
  '# Add patterns of files dvc should ignore, which could improve\n# the performance. Learn more at\n# https://dvc.org/doc/user-guide/dvcignore\n';
