import { ConfigReader, type RemoteConfig } from './config.js';
import { remoteError } from './errors.js';
import type { RetryOptions } from './retry.js';
import type { Remote, RemoteScheme } from './remote.js';
import type { HostKeyPolicy } from './drivers/ssh.js';

/** Options of {@link createRemote}. */
export interface CreateRemoteOptions {
  /**
   * The remote's DVC config section (`['remote "name"']`), with `config.local` and the other levels
   * already merged in by the caller: `url` plus the scheme's keys, values as read (strings).
   */
  config: RemoteConfig;
  /** The remote's name, for messages and hints. */
  name?: string;
  /** Directory a relative local URL is resolved against (DVC: the config file's directory). */
  cwd?: string;
  /** Home directory for `~` in key paths and the default `~/.ssh`, `~/.aws` files. */
  homeDir?: string;
  /** Prompt for `ask_password` / `ask_passphrase` (the CLI injects one; libraries never prompt). */
  askSecret?: (prompt: string) => Promise<string>;
  /** ssh-agent socket, e.g. `$SSH_AUTH_SOCK` read at the composition root. */
  sshAgent?: string;
  /** SSH host-key policy (momo extension; DVC itself checks nothing). @default 'accept-unknown' */
  hostKeyPolicy?: HostKeyPolicy;
  /** known_hosts files for SSH. @default `~/.ssh/known_hosts` and `/etc/ssh/ssh_known_hosts` */
  knownHostsFiles?: string[];
  /** Overrides the remote's `jobs` key (e.g. from `-j`). */
  jobs?: number;
  retry?: RetryOptions;
  /** Inject SDK modules (`ssh2`, `@aws-sdk/client-s3`, `@aws-sdk/lib-storage`, `@aws-sdk/credential-provider-ini`). */
  lib?: { ssh2?: unknown; clientS3?: unknown; libStorage?: unknown; credentialProviderIni?: unknown };
}

/** Schemes DVC knows but momo has no driver for. */
const KNOWN_UNSUPPORTED = new Set(['gs', 'azure', 'gdrive', 'oss', 'hdfs', 'webhdfs', 'webdav', 'webdavs']);

/**
 * The scheme of a remote URL: a `scheme://` prefix (two letters or more, so `C:\…` stays a path),
 * else `local`. Throws `REMOTE_SCHEME_UNSUPPORTED` for schemes without a driver.
 */
export function resolveRemoteScheme(url: string, name?: string): RemoteScheme {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]+):\/\//.exec(url);
  if (!m) return 'local';
  const scheme = m[1].toLowerCase();
  if (scheme === 'ssh' || scheme === 's3' || scheme === 'http' || scheme === 'https') return scheme;
  if (scheme === 'remote') {
    throw remoteError('remote', 'REMOTE_CONFIG_INVALID', `'${url}' refers to another remote; resolve remote:// URLs before creating the driver`, {
      hint: 'this is a bug in the caller: join the referenced remote URL and the sub-path first',
      data: { url },
    });
  }
  throw remoteError('remote', 'REMOTE_SCHEME_UNSUPPORTED', `remote ${name ? `'${name}' ` : ''}uses '${scheme}://', which momo does not support yet`, {
    hint: KNOWN_UNSUPPORTED.has(scheme)
      ? 'momo supports local paths, ssh://, s3:// and http(s):// remotes; use real DVC for this remote'
      : `check the URL '${url}'; supported are local paths, ssh://, s3:// and http(s)://`,
    data: { url, scheme },
  });
}

/**
 * Creates the driver for a DVC remote from its config section: picks the driver by URL scheme,
 * validates the keys like DVC's schema does ("extra keys not allowed"), maps DVC keys onto driver
 * options and imports the scheme's SDK lazily. Connections open on the first call.
 *
 * @throws `REMOTE_CONFIG_INVALID`, `REMOTE_URL_INVALID`, `REMOTE_SCHEME_UNSUPPORTED`,
 *   `REMOTE_OPERATION_UNSUPPORTED` (version_aware/worktree remotes), `DEPENDENCY_MISSING`.
 * @example
 * const remote = await createRemote({ name: 'storage', config: { url: 's3://bkt/dvc', endpointurl: 'http://127.0.0.1:9000' } });
 * if (!(await remote.exists(objectPath(md5)))) await remote.upload(cacheFile, objectPath(md5));
 */
export async function createRemote(options: CreateRemoteOptions): Promise<Remote> {
  const { config, name } = options;
  const url = config.url === undefined ? '' : String(config.url);
  if (!url) {
    throw remoteError('remote', 'REMOTE_CONFIG_INVALID', `remote ${name ? `'${name}' ` : ''}has no url`, {
      hint: `set it with \`dvc remote modify ${name ?? '<name>'} url <url>\``,
    });
  }
  const scheme = resolveRemoteScheme(url, name);
  const c = new ConfigReader(scheme, config, name);
  c.checkKeys();
  for (const key of ['version_aware', 'worktree']) {
    if (c.bool(key)) {
      throw remoteError(scheme, 'REMOTE_OPERATION_UNSUPPORTED', `remote '${name ?? url}' sets ${key} = true (cloud versioning), which momo does not support yet`, {
        hint: 'use real DVC with this remote, or a remote without version_aware/worktree',
        data: { key },
      });
    }
  }
  const jobs = options.jobs ?? c.number('jobs');
  const common = { name, retry: options.retry, ...(jobs !== undefined ? { jobs } : {}) };

  if (scheme === 'local') {
    const { createLocalRemote } = await import('./drivers/local.js');
    return createLocalRemote({ ...common, path: url, url, cwd: options.cwd, sharedGroup: c.string('shared') === 'group' });
  }

  if (scheme === 'ssh') {
    if (c.bool('gss_auth')) {
      throw remoteError('ssh', 'REMOTE_OPERATION_UNSUPPORTED', `remote '${name ?? url}' sets gss_auth = true (Kerberos), which momo does not support`, {
        hint: `use a key or password instead: \`dvc remote modify --local ${name ?? '<name>'} keyfile <path>\``,
      });
    }
    const { createSshRemote } = await import('./drivers/ssh.js');
    return createSshRemote({
      ...common,
      url,
      user: c.string('user'),
      port: c.number('port'),
      keyfile: c.string('keyfile'),
      password: c.string('password'),
      passphrase: c.string('passphrase'),
      askPassword: c.bool('ask_password'),
      askPassphrase: c.bool('ask_passphrase'),
      askSecret: options.askSecret,
      timeout: c.number('timeout', true),
      maxSessions: c.number('max_sessions'),
      agent: options.sshAgent,
      hostKeyPolicy: options.hostKeyPolicy,
      knownHostsFiles: options.knownHostsFiles,
      homeDir: options.homeDir,
      lib: options.lib,
    });
  }

  if (scheme === 's3') {
    const sslVerifyRaw = c.string('ssl_verify');
    const sslVerify = sslVerifyRaw === undefined ? undefined : /^(true|false|yes|no|on|off|1|0)$/i.test(sslVerifyRaw) ? c.bool('ssl_verify') : sslVerifyRaw;
    const { createS3Remote } = await import('./drivers/s3.js');
    return createS3Remote({
      ...common,
      url,
      endpointUrl: c.string('endpointurl'),
      region: c.string('region'),
      profile: c.string('profile'),
      credentialPath: c.string('credentialpath'),
      configPath: c.string('configpath'),
      accessKeyId: c.string('access_key_id'),
      secretAccessKey: c.string('secret_access_key'),
      sessionToken: c.string('session_token'),
      anonymous: c.bool('allow_anonymous_login'),
      useSsl: c.bool('use_ssl'),
      sslVerify,
      sse: c.string('sse'),
      sseKmsKeyId: c.string('sse_kms_key_id'),
      sseCustomerAlgorithm: c.string('sse_customer_algorithm'),
      sseCustomerKey: c.string('sse_customer_key'),
      acl: c.string('acl'),
      grants: {
        read: c.string('grant_read'),
        readAcp: c.string('grant_read_acp'),
        writeAcp: c.string('grant_write_acp'),
        fullControl: c.string('grant_full_control'),
      },
      readTimeout: c.number('read_timeout', true),
      connectTimeout: c.number('connect_timeout', true),
      homeDir: options.homeDir,
      lib: options.lib,
    });
  }

  const sslVerifyRaw = c.string('ssl_verify');
  const sslVerify = sslVerifyRaw === undefined ? undefined : /^(true|false|yes|no|on|off|1|0)$/i.test(sslVerifyRaw) ? c.bool('ssl_verify') : sslVerifyRaw;
  const method = c.string('method')?.toUpperCase();
  if (method !== undefined && method !== 'POST' && method !== 'PUT') {
    throw remoteError(scheme, 'REMOTE_CONFIG_INVALID', `'remote "${name ?? url}"'.method: expected POST or PUT, found ${JSON.stringify(c.string('method'))}`, {
      hint: `fix it with \`dvc remote modify ${name ?? '<name>'} method PUT\``,
    });
  }
  const { createHttpRemote } = await import('./drivers/http.js');
  return createHttpRemote({
    ...common,
    url,
    auth: c.choice('auth', ['basic', 'digest', 'custom'] as const),
    customAuthHeader: c.string('custom_auth_header'),
    user: c.string('user'),
    password: c.string('password'),
    askPassword: c.bool('ask_password'),
    askSecret: options.askSecret,
    sslVerify,
    method,
    connectTimeout: c.number('connect_timeout', true),
    readTimeout: c.number('read_timeout', true),
  });
}
