import { remoteError } from './errors.js';
import type { RemoteScheme } from './remote.js';

/** A DVC `['remote "name"']` section as read from config (values are usually strings). */
export type RemoteConfig = Readonly<Record<string, string | number | boolean | undefined>>;

/** Keys every scheme accepts (dvc/config_schema.py `REMOTE_COMMON`, dvc-compat §10.5). */
const COMMON_KEYS = ['url', 'jobs', 'checksum_jobs', 'verify', 'worktree', 'version_aware', 'no_traverse'];

/** Keys accepted per scheme, besides {@link COMMON_KEYS} (dvc-compat §10.5 and §20 A21). */
export const REMOTE_CONFIG_KEYS: Readonly<Record<RemoteScheme, readonly string[]>> = {
  local: ['type', 'shared', 'protected', 'slow_link_warning'],
  ssh: [
    'user', 'port', 'keyfile', 'password', 'ask_password', 'passphrase', 'ask_passphrase', 'timeout',
    'gss_auth', 'allow_agent', 'max_sessions', 'type',
  ],
  s3: [
    'region', 'profile', 'credentialpath', 'configpath', 'endpointurl', 'access_key_id', 'secret_access_key',
    'session_token', 'use_ssl', 'ssl_verify', 'allow_anonymous_login', 'sse', 'sse_kms_key_id',
    'sse_customer_algorithm', 'sse_customer_key', 'acl', 'grant_read', 'grant_read_acp', 'grant_write_acp',
    'grant_full_control', 'cache_regions', 'read_timeout', 'connect_timeout', 'listobjects',
  ],
  http: [
    'auth', 'custom_auth_header', 'user', 'password', 'ask_password', 'ssl_verify', 'method',
    'connect_timeout', 'read_timeout',
  ],
  https: [
    'auth', 'custom_auth_header', 'user', 'password', 'ask_password', 'ssl_verify', 'method',
    'connect_timeout', 'read_timeout',
  ],
};

/** Typed access to a remote config section with DVC's value rules and clear errors. */
export class ConfigReader {
  constructor(
    private readonly scheme: RemoteScheme,
    private readonly config: RemoteConfig,
    private readonly name: string | undefined,
  ) {}

  private where(key: string): string {
    return this.name ? `'remote "${this.name}"'.${key}` : `remote key '${key}'`;
  }

  private invalid(key: string, expected: string, found: unknown): never {
    throw remoteError(this.scheme, 'REMOTE_CONFIG_INVALID', `${this.where(key)}: expected ${expected}, found ${JSON.stringify(found)}`, {
      hint: `fix it with \`dvc remote modify ${this.name ?? '<name>'} ${key} <value>\``,
      data: { key, found },
    });
  }

  /** Fails on keys DVC's schema would reject for this scheme ("extra keys not allowed"). */
  checkKeys(): void {
    const allowed = new Set([...COMMON_KEYS, ...REMOTE_CONFIG_KEYS[this.scheme]]);
    for (const key of Object.keys(this.config)) {
      if (!allowed.has(key)) {
        throw remoteError(this.scheme, 'REMOTE_CONFIG_INVALID', `${this.where(key)} is not a valid key for a ${this.scheme} remote`, {
          hint: `remove it with \`dvc remote modify --unset ${this.name ?? '<name>'} ${key}\``,
          data: { key, allowed: [...allowed].sort() },
        });
      }
    }
  }

  has(key: string): boolean {
    return this.config[key] !== undefined && this.config[key] !== '';
  }

  string(key: string): string | undefined {
    const v = this.config[key];
    return v === undefined ? undefined : String(v);
  }

  /** configobj booleans: true/false, yes/no, on/off, 1/0 (case-insensitive). */
  bool(key: string): boolean | undefined {
    const v = this.config[key];
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    const s = String(v).trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(s)) return true;
    if (['false', 'no', 'off', '0'].includes(s)) return false;
    return this.invalid(key, 'a boolean (true or false)', v);
  }

  /** A non-negative number (integers unless `float`). */
  number(key: string, float = false): number | undefined {
    const v = this.config[key];
    if (v === undefined || v === '') return undefined;
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    if (!Number.isFinite(n) || n < 0 || (!float && !Number.isInteger(n))) {
      return this.invalid(key, float ? 'a non-negative number' : 'a non-negative integer', v);
    }
    return n;
  }

  /** One of `choices`. */
  choice<T extends string>(key: string, choices: readonly T[]): T | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    if (!(choices as readonly string[]).includes(v)) return this.invalid(key, `one of ${choices.join(', ')}`, v);
    return v as T;
  }
}
