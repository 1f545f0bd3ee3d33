/**
 * The part of an OpenSSH client config (`~/.ssh/config`) DVC's SSH remote honours: `HostName`,
 * `User`, `Port` and `IdentityFile` of the first matching `Host` blocks (dvc_ssh `_prepare_credentials`
 * reads them through sshfs' `parse_config`). First obtained value wins, as in ssh_config(5).
 */
export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
}

function patternMatches(patterns: string[], host: string): boolean {
  let matched = false;
  for (const p of patterns) {
    const neg = p.startsWith('!');
    const glob = neg ? p.slice(1) : p;
    const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    if (re.test(host)) {
      if (neg) return false;
      matched = true;
    }
  }
  return matched;
}

/** Resolves the settings that apply to `host` from ssh_config text. `Match` blocks are skipped. */
export function resolveSshConfig(text: string, host: string): SshHostConfig {
  const out: SshHostConfig = { identityFiles: [] };
  let active = true; // lines before the first Host apply to every host
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.+)$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const value = m[2].trim().replace(/^"(.*)"$/, '$1');
    if (key === 'host') {
      active = patternMatches(value.split(/\s+/), host);
      continue;
    }
    if (key === 'match') {
      active = false;
      continue;
    }
    if (!active) continue;
    if (key === 'hostname' && out.hostName === undefined) out.hostName = value.replace(/%h/g, host);
    else if (key === 'user' && out.user === undefined) out.user = value;
    else if (key === 'port' && out.port === undefined && /^\d+$/.test(value)) out.port = Number(value);
    else if (key === 'identityfile') out.identityFiles.push(value);
  }
  return out;
}
