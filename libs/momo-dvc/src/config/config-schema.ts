/**
 * Validation of the merged config, matching DVC's voluptuous schema (`dvc/config_schema.py`,
 * DVC 3.67.1) in what it accepts, what it converts (booleans, integers, lower-casing, cache
 * type lists) and in its error text: `<msg>[ for dictionary value] @ data['sec']['key']`, the
 * first error in data order being the one reported (voluptuous `MultipleInvalid.__str__`).
 */
import type { ConfigLeaf, ConfigTree } from './config-tree.js';
import { ConfigPath } from './config-paths.js';
import { pyFloat, pyInt, pyReprStr, pyStr } from './py-text.js';

type PathElement = string | { group: string };

/** One validation failure (voluptuous `Invalid`). */
export class SchemaInvalid extends Error {
  errorType?: string;
  constructor(
    readonly msg: string,
    readonly path: PathElement[],
  ) {
    super(msg);
  }
  /** voluptuous' `str(Invalid)` */
  render(): string {
    const path = this.path.length
      ? ` @ data[${this.path.map((p) => (typeof p === 'string' ? pyReprStr(p) : `<${p.group}>`)).join('][')}]`
      : '';
    return `${this.msg}${this.errorType ? ` for ${this.errorType}` : ''}${path}`;
  }
  /** the path as plain keys (exclusion groups dropped) */
  keys(): string[] {
    return this.path.filter((p): p is string => typeof p === 'string');
  }
}

class MultipleInvalid extends Error {
  constructor(readonly errors: SchemaInvalid[]) {
    super(errors[0]?.msg);
  }
}

/** A validated value: what DVC's schema turns config text into. */
export type ValidatedValue = string | number | boolean | string[] | ConfigPath | ValidatedTree | unknown;
export type ValidatedTree = Map<string, ValidatedValue>;

type Validator = (path: PathElement[], value: unknown) => unknown;

const isMap = (v: unknown): v is Map<string, unknown> => v instanceof Map;
const isStr = (v: unknown): v is string | ConfigPath => typeof v === 'string' || v instanceof ConfigPath;

/** `str(v).lower()` */
const lowerOf = (v: unknown): string => pyStr(v).toLowerCase();

const Bool: Validator = (path, v) => {
  const s = lowerOf(v);
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new SchemaInvalid('expected true or false', path);
};

const Lower: Validator = (_path, v) => lowerOf(v);

const Str: Validator = (path, v) => {
  if (isStr(v)) return v;
  throw new SchemaInvalid('expected str', path);
};

const BoolType: Validator = (path, v) => {
  if (typeof v === 'boolean') return v;
  throw new SchemaInvalid('expected bool', path);
};

const IntType: Validator = (path, v) => {
  if ((typeof v === 'number' && Number.isInteger(v)) || typeof v === 'boolean') return v;
  throw new SchemaInvalid('expected int', path);
};

const AnyObject: Validator = (_path, v) => v;

const CoerceInt: Validator = (path, v) => {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (isStr(v)) {
    const n = pyInt(String(v));
    if (n !== undefined) return n;
  }
  throw new SchemaInvalid('expected int', path);
};

const CoerceFloat: Validator = (path, v) => {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (isStr(v)) {
    const n = pyFloat(String(v));
    if (n !== undefined) return n;
  }
  throw new SchemaInvalid('expected float', path);
};

function Range(min: number, max?: number): Validator {
  return (path, v) => {
    const n = v as number;
    if (!(n >= min)) throw new SchemaInvalid(`value must be at least ${min}`, path);
    if (max !== undefined && !(n <= max)) throw new SchemaInvalid(`value must be at most ${max}`, path);
    return v;
  };
}

function All(...validators: Validator[]): Validator {
  return (path, v) => validators.reduce((acc, f) => f(path, acc), v);
}

function Choices(...choices: string[]): Validator {
  return (path, v) => {
    if (typeof v === 'string' && choices.includes(v)) return v;
    throw new SchemaInvalid(`expected one of ${choices.join(', ')}`, path);
  };
}

/** voluptuous `Any`: the first validator that passes; otherwise the first error with the longest path. */
function AnyOf(...validators: Validator[]): Validator {
  return (path, v) => {
    let error: SchemaInvalid | undefined;
    for (const f of validators) {
      try {
        return f(path, v);
      } catch (e) {
        const inv = e instanceof MultipleInvalid ? e.errors[0] : (e as SchemaInvalid);
        if (!(inv instanceof SchemaInvalid)) throw e;
        if (!error || inv.path.length > error.path.length) error = inv;
      }
    }
    throw error ?? new SchemaInvalid('no valid value', path);
  };
}

/** The link types DVC accepts in `cache.type` (and local/ssh remote `type`). */
export const LINK_TYPES = ['reflink', 'hardlink', 'symlink', 'copy'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

/**
 * `cache.type`: a comma-separated string or a list; every entry must be a link type
 * (DVC `supported_cache_type`). DVC lists unsupported entries in Python set order, which is
 * random between runs; momo lists them in input order.
 */
const CacheTypes: Validator = (path, v) => {
  if (v === undefined || v === null) return v;
  const types = Array.isArray(v) ? v.map((x) => pyStr(x)) : pyStr(v).split(',').map((t) => t.trim());
  const bad = [...new Set(types.filter((t) => !(LINK_TYPES as readonly string[]).includes(t)))];
  if (bad.length) throw new SchemaInvalid(`Unsupported cache type(s): ${bad.join(', ')}`, path);
  return types;
};

interface KeySpec {
  validator: Validator;
  /** value voluptuous inserts when the key is missing (`Optional(..., default=)`) */
  default?: unknown;
}

interface MappingSpec {
  keys: Record<string, KeySpec | Validator>;
  /** validator for keys not listed (voluptuous `{str: ...}`) */
  anyKey?: Validator;
  /** what happens to keys that are not listed: error (default), drop, keep */
  extra?: 'prevent' | 'remove' | 'allow';
  /** voluptuous `Exclusive(key, group)` groups */
  exclusive?: Array<{ group: string; keys: string[] }>;
  /** called with the dropped keys of an `extra: 'remove'` mapping */
  onRemoved?: (keys: string[]) => void;
}

function Mapping(spec: MappingSpec): Validator {
  const keys = new Map<string, KeySpec>();
  for (const [k, s] of Object.entries(spec.keys)) keys.set(k, typeof s === 'function' ? { validator: s } : s);
  return (path, data) => {
    if (!isMap(data)) throw new SchemaInvalid('expected a dictionary', path);
    for (const { group, keys: members } of spec.exclusive ?? []) {
      if (members.filter((m) => data.has(m)).length > 1) {
        throw new MultipleInvalid([
          new SchemaInvalid(`two or more values in the same group of exclusion '${group}'`, [...path, { group }]),
        ]);
      }
    }
    const out: ValidatedTree = new Map();
    const errors: SchemaInvalid[] = [];
    const removed: string[] = [];
    for (const [key, value] of data) {
      const keyPath = [...path, key];
      const validator = keys.get(key)?.validator ?? spec.anyKey;
      if (!validator) {
        if (spec.extra === 'allow') out.set(key, value);
        else if (spec.extra === 'remove') removed.push(key);
        else errors.push(new SchemaInvalid('extra keys not allowed', keyPath));
        continue;
      }
      try {
        out.set(key, validator(keyPath, value));
      } catch (e) {
        const list = e instanceof MultipleInvalid ? e.errors : e instanceof SchemaInvalid ? [e] : undefined;
        if (!list) throw e;
        for (const err of list) {
          if (err.path.length <= keyPath.length) err.errorType = 'dictionary value';
          errors.push(err);
        }
      }
    }
    for (const [key, s] of keys) {
      if (s.default !== undefined && !data.has(key)) out.set(key, s.default);
    }
    if (errors.length) throw new MultipleInvalid(errors);
    if (removed.length && spec.onRemoved) spec.onRemoved(removed);
    return out;
  };
}

/** Python `urllib.parse.urlsplit`: scheme (lower-cased) and netloc, or an invalid-URL marker. */
export function splitUrl(url: string): { scheme: string; netloc: string; path: string } | undefined {
  // eslint-disable-next-line no-control-regex
  let rest = url.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
    if (netloc.includes('[') !== netloc.includes(']')) return undefined;
  }
  const q = rest.search(/[?#]/);
  return { scheme, netloc, path: q < 0 ? rest : rest.slice(0, q) };
}

const opt = (validator: Validator, dflt: unknown): KeySpec => ({ validator, default: dflt });

const REMOTE_COMMON = {
  url: Str,
  checksum_jobs: All(CoerceInt, Range(1)),
  jobs: All(CoerceInt, Range(1)),
  worktree: Bool,
  no_traverse: Bool,
  version_aware: Bool,
};
const LOCAL_COMMON = {
  type: CacheTypes,
  protected: opt(Bool, false),
  shared: All(Lower, Choices('group')),
  slow_link_warning: opt(Bool, true),
  verify: opt(Bool, false),
};
const HTTP_COMMON = {
  auth: All(Lower, Choices('basic', 'digest', 'custom')),
  custom_auth_header: Str,
  user: Str,
  password: Str,
  ask_password: Bool,
  ssl_verify: AnyOf(Bool, Str),
  method: Str,
  connect_timeout: All(CoerceFloat, Range(0)),
  read_timeout: All(CoerceFloat, Range(0)),
  verify: opt(Bool, false),
};
const WEBDAV_COMMON = {
  user: Str,
  password: Str,
  ask_password: Bool,
  token: Str,
  bearer_token_command: Str,
  custom_auth_header: Str,
  cert_path: Str,
  key_path: Str,
  timeout: CoerceInt,
  ssl_verify: AnyOf(Bool, Str),
  verify: opt(Bool, false),
};

/** Keys accepted per remote URL scheme (`''` = local path), DVC `REMOTE_SCHEMAS`. */
const REMOTE_SCHEMAS: Record<string, MappingSpec['keys'] | 'any'> = {
  '': { ...LOCAL_COMMON, ...REMOTE_COMMON },
  s3: {
    region: Str,
    profile: Str,
    credentialpath: Str,
    configpath: Str,
    endpointurl: Str,
    access_key_id: Str,
    secret_access_key: Str,
    session_token: Str,
    listobjects: opt(Bool, false),
    use_ssl: opt(Bool, true),
    allow_anonymous_login: opt(Bool, false),
    ssl_verify: AnyOf(Bool, Str),
    sse: Str,
    sse_kms_key_id: Str,
    sse_customer_algorithm: Str,
    sse_customer_key: Str,
    acl: Str,
    grant_read: Str,
    grant_read_acp: Str,
    grant_write_acp: Str,
    grant_full_control: Str,
    cache_regions: BoolType,
    read_timeout: CoerceInt,
    connect_timeout: CoerceInt,
    verify: opt(Bool, false),
    ...REMOTE_COMMON,
  },
  gs: {
    projectname: Str,
    credentialpath: Str,
    endpointurl: Str,
    verify: opt(Bool, false),
    allow_anonymous_login: opt(Bool, false),
    ...REMOTE_COMMON,
  },
  ssh: {
    type: CacheTypes,
    port: CoerceInt,
    user: Str,
    password: Str,
    ask_password: Bool,
    passphrase: Str,
    ask_passphrase: Bool,
    keyfile: Str,
    timeout: CoerceInt,
    gss_auth: Bool,
    allow_agent: Bool,
    max_sessions: CoerceInt,
    verify: opt(Bool, false),
    ...REMOTE_COMMON,
  },
  hdfs: { user: Str, kerb_ticket: Str, replication: IntType, ...REMOTE_COMMON },
  webhdfs: {
    kerberos: Bool,
    kerberos_principal: Str,
    proxy_to: Str,
    ssl_verify: AnyOf(Bool, Str),
    token: Str,
    use_https: Bool,
    user: Str,
    password: Str,
    data_proxy_target: Str,
    verify: opt(Bool, false),
    ...REMOTE_COMMON,
  },
  azure: {
    connection_string: Str,
    sas_token: Str,
    account_name: Str,
    account_key: Str,
    tenant_id: Str,
    client_id: Str,
    client_secret: Str,
    allow_anonymous_login: Bool,
    exclude_environment_credential: Bool,
    exclude_visual_studio_code_credential: Bool,
    exclude_shared_token_cache_credential: Bool,
    exclude_managed_identity_credential: Bool,
    verify: opt(Bool, false),
    timeout: CoerceInt,
    read_timeout: CoerceInt,
    connection_timeout: CoerceInt,
    ...REMOTE_COMMON,
  },
  oss: { oss_key_id: Str, oss_key_secret: Str, oss_endpoint: Str, verify: opt(Bool, true), ...REMOTE_COMMON },
  gdrive: {
    profile: Str,
    gdrive_use_service_account: Bool,
    gdrive_client_id: Str,
    gdrive_client_secret: Str,
    gdrive_user_credentials_file: Str,
    gdrive_service_account_user_email: Str,
    gdrive_service_account_json_file_path: Str,
    gdrive_trash_only: opt(Bool, false),
    gdrive_acknowledge_abuse: opt(Bool, false),
    verify: opt(Bool, true),
    ...REMOTE_COMMON,
  },
  http: { ...HTTP_COMMON, ...REMOTE_COMMON },
  https: { ...HTTP_COMMON, ...REMOTE_COMMON },
  webdav: { ...WEBDAV_COMMON, ...REMOTE_COMMON },
  webdavs: { ...WEBDAV_COMMON, ...REMOTE_COMMON },
  remote: 'any',
};

const REMOTE_VALIDATORS = new Map<string, Validator>(
  Object.entries(REMOTE_SCHEMAS).map(([scheme, keys]) => [
    scheme,
    keys === 'any' ? Mapping({ keys: {}, anyKey: AnyObject }) : Mapping({ keys }),
  ]),
);

/** The URL schemes DVC knows (besides local paths). */
export const REMOTE_SCHEMES = Object.keys(REMOTE_SCHEMAS).filter((s) => s !== '');

/** DVC `ByUrl`: picks the remote schema from the scheme of `url`. */
const ByUrl: Validator = (path, data) => {
  if (!(isMap(data) ? data.has('url') : pyStr(data).includes('url'))) throw new SchemaInvalid("expected 'url'", path);
  if (!isMap(data)) throw new SchemaInvalid('expected a dictionary', path);
  const url = data.get('url');
  if (!isStr(url)) throw new SchemaInvalid('expected str', [...path, 'url']);
  const parsed = splitUrl(String(url));
  if (!parsed) throw new SchemaInvalid('not a valid value', path);
  const scheme = parsed.netloc ? parsed.scheme : '';
  const validator = REMOTE_VALIDATORS.get(scheme);
  if (!validator) throw new SchemaInvalid(`Unsupported URL type ${parsed.scheme}://`, path);
  return validator(path, data);
};

/** Builds the top-level validator; `onFeatureDropped` receives unknown `feature.*` keys. */
function buildSchema(onFeatureDropped: (keys: string[]) => void): Validator {
  return Mapping({
    keys: {
      core: Mapping({
        keys: {
          remote: Lower,
          checksum_jobs: All(CoerceInt, Range(1)),
          interactive: opt(Bool, false),
          analytics: opt(Bool, true),
          hardlink_lock: opt(Bool, false),
          no_scm: opt(Bool, false),
          autostage: opt(Bool, false),
          experiments: Bool,
          check_update: opt(Bool, true),
          site_cache_dir: Str,
          machine: Lower,
        },
      }),
      cache: Mapping({
        keys: {
          local: Str,
          s3: Str,
          gs: Str,
          hdfs: Str,
          webhdfs: Str,
          ssh: Str,
          azure: Str,
          dir: Str,
          ...LOCAL_COMMON,
        },
      }),
      remote: Mapping({ keys: {}, anyKey: ByUrl }),
      state: Mapping({ keys: { dir: Str, row_limit: All(CoerceInt, Range(1)), row_cleanup_quota: All(CoerceInt, Range(0, 100)) } }),
      index: Mapping({ keys: { dir: Str } }),
      machine: Mapping({
        keys: {},
        anyKey: Mapping({
          keys: {
            cloud: All(Lower, Choices('aws', 'azure')),
            region: All(Lower, Choices('us-west', 'us-east', 'eu-west', 'eu-north')),
            image: Str,
            spot: Bool,
            spot_price: CoerceFloat,
            instance_hdd_size: CoerceInt,
            instance_type: Lower,
            instance_gpu: Lower,
            ssh_private: Str,
            startup_script: Str,
            setup_script: Str,
          },
        }),
      }),
      feature: Mapping({ keys: { machine: opt(Bool, false) }, extra: 'remove', onRemoved: onFeatureDropped }),
      plots: Mapping({ keys: { html_template: Str, auto_open: opt(Bool, false), out_dir: Str } }),
      exp: Mapping({
        keys: {
          code: Str,
          data: Str,
          models: Str,
          metrics: Str,
          params: Str,
          plots: Str,
          live: Str,
          auto_push: Bool,
          git_remote: Str,
        },
      }),
      parsing: Mapping({
        keys: { bool: All(Lower, Choices('store_true', 'boolean_optional')), list: All(Lower, Choices('nargs', 'append')) },
      }),
      hydra: Mapping({
        keys: { enabled: opt(Bool, false), config_dir: Str, config_module: Str, config_name: Str, plugins_path: Str },
        exclusive: [{ group: 'config_source', keys: ['config_dir', 'config_module'] }],
      }),
      studio: Mapping({ keys: { token: Str, url: Str, repo_url: Str, offline: opt(Bool, false) } }),
      db: Mapping({ keys: {}, anyKey: Mapping({ keys: { url: Str, username: Str, password: Str } }) }),
    },
  });
}

/** Top-level sections in DVC's schema order (new sections are added in this order). */
export const SCHEMA_SECTIONS = [
  'core',
  'cache',
  'remote',
  'state',
  'index',
  'machine',
  'feature',
  'plots',
  'exp',
  'parsing',
  'hydra',
  'studio',
  'db',
] as const;

/** The result of validating a merged config. */
export interface SchemaResult {
  value: ValidatedTree;
  /** `WARNING:` lines DVC logs (unsupported `feature.*` options) */
  warnings: string[];
}

/**
 * Validates a merged config tree.
 * @throws SchemaInvalid — the first error, in voluptuous' order
 */
export function validateConfigTree(tree: ConfigTree): SchemaResult {
  const warnings: string[] = [];
  featureSink = (keys) => {
    const paths = [...keys].sort().map((k) => `'feature.${k}'`).join(', ');
    warnings.push(`${paths} config option${keys.length === 1 ? ' is' : 's are'} unsupported`);
  };
  schema ??= buildSchema((keys) => featureSink?.(keys));
  try {
    return { value: schema([], tree) as ValidatedTree, warnings };
  } catch (e) {
    if (e instanceof MultipleInvalid) throw e.errors[0];
    throw e;
  } finally {
    featureSink = undefined;
  }
}

/** The compiled schema (built once) and where it reports dropped `feature.*` keys. */
let schema: Validator | undefined;
let featureSink: ((keys: string[]) => void) | undefined;

/**
 * Validates one resolved remote section on its own, as DVC's `get_cloud_fs` does (errors carry
 * paths relative to the section, e.g. `expected 'url'`).
 */
export function validateRemoteSection(section: ConfigTree): ValidatedTree {
  try {
    return ByUrl([], section) as ValidatedTree;
  } catch (e) {
    if (e instanceof MultipleInvalid) throw e.errors[0];
    throw e;
  }
}

export type { ConfigLeaf };
