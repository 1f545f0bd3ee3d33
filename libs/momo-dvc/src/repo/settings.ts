import type { LinkType } from '../cache/odb.js';
import type { DvcConfig } from '../config/load-config.js';

/** The config values the engine reads, resolved from all config levels (see config/). */
export interface RepoSettings {
  /** absolute `cache.dir`, when set */
  cacheDir?: string;
  cacheTypes?: LinkType[];
  cacheShared?: boolean;
  noScm: boolean;
  autostage: boolean;
  checksumJobs?: number;
  /** `core.remote` */
  defaultRemote?: string;
  /** the whole merged config */
  config: DvcConfig;
}
