// Interim wiring of the engine's ports (settings, workspace walker, scm); replaced by the config/,
// ignore/ and scm/ modules as they land.
import * as fs from 'node:fs';
import { join, relative, sep, dirname, basename, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { RepoSettings } from './settings.js';
import type { RepoContext } from './repo.js';
import type { WorkspaceWalker } from './workspace-walker.js';
import type { ScmPort } from './scm-port.js';
import type { WalkedFile } from '../hashing/hash-output.js';
import type { LinkType } from '../cache/odb.js';
import { compareCodePoints } from '../hashing/py-json.js';

function readIni(file: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  let sec = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^\[(.*)\]$/.exec(line);
    if (m) {
      sec = m[1].replace(/^['"]|['"]$/g, '');
      out[sec] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) (out[sec] ??= {})[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

export function resolveRepoSettings(root: string, _ctx: RepoContext): RepoSettings {
  const repoCfg = readIni(join(root, '.dvc', 'config'));
  const local = readIni(join(root, '.dvc', 'config.local'));
  const get = (s: string, k: string) => local[s]?.[k] ?? repoCfg[s]?.[k];
  const types = get('cache', 'type')?.split(',').map((t) => t.trim()).filter(Boolean) as LinkType[] | undefined;
  const dir = get('cache', 'dir');
  return {
    cacheDir: dir ? resolve(join(root, '.dvc'), dir) : undefined,
    cacheTypes: types,
    cacheShared: get('cache', 'shared') === 'group',
    noScm: /^true$/i.test(get('core', 'no_scm') ?? ''),
    autostage: /^true$/i.test(get('core', 'autostage') ?? ''),
    defaultRemote: get('core', 'remote'),
  };
}

export function createWorkspaceWalker(root: string, _settings: RepoSettings): WorkspaceWalker {
  const skip = new Set(['.git', '.dvc', '.hg']);
  const walk = (absDir: string): WalkedFile[] => {
    const out: WalkedFile[] = [];
    const rec = (dir: string, prefix: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (skip.has(e.name)) continue;
        const p = join(dir, e.name);
        const rel = prefix ? `${prefix}/${e.name}` : e.name;
        if (e.isDirectory()) rec(p, rel);
        else if (e.isFile()) out.push({ rel, st: fs.statSync(p) });
        else if (e.isSymbolicLink()) {
          try {
            const st = fs.statSync(p);
            if (st.isFile()) out.push({ rel, st });
          } catch {
            // broken symlink: skipped like DVC
          }
        }
      }
    };
    rec(absDir, '');
    return out.sort((a, b) => compareCodePoints(a.rel, b.rel));
  };
  return {
    walk,
    collectDvcFiles: () => {
      const out: string[] = [];
      const rec = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          if (skip.has(e.name) || e.name === 'node_modules') continue;
          const p = join(dir, e.name);
          if (e.isDirectory()) rec(p);
          else if (e.name.endsWith('.dvc') || e.name === 'dvc.yaml') out.push(relative(root, p).split(sep).join('/'));
        }
      };
      rec(root);
      return out.sort();
    },
    ignoredBy: () => undefined,
    dvcignoresInside: (absDir) => walk(absDir).filter((f) => basename(f.rel) === '.dvcignore').map((f) => join(absDir, f.rel)),
  };
}

export function createScmPort(root: string, settings: RepoSettings): ScmPort {
  const enabled = !settings.noScm && fs.existsSync(join(root, '.git'));
  const git = (args: string[], input?: string) => {
    try {
      return execFileSync('git', args, { cwd: root, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
    } catch (e) {
      return (e as { stdout?: string }).stdout ?? '';
    }
  };
  return {
    enabled,
    ignore(abs) {
      if (!enabled) return undefined;
      const rel = relative(root, abs);
      if (git(['check-ignore', '--', rel]).trim()) return undefined;
      const gi = join(dirname(abs), '.gitignore');
      const entry = '/' + basename(abs).replace(/([[\]!*#?])/g, '\\$1');
      let prefix = '';
      try {
        const cur = fs.readFileSync(gi, 'utf8');
        if (cur.length && !cur.endsWith('\n')) prefix = '\n';
      } catch {
        // new .gitignore
      }
      fs.appendFileSync(gi, `${prefix}${entry}\n`);
      return gi;
    },
    unignore(abs) {
      if (!enabled) return undefined;
      const gi = join(dirname(abs), '.gitignore');
      let lines: string[];
      try {
        lines = fs.readFileSync(gi, 'utf8').split('\n');
      } catch {
        return undefined;
      }
      const entry = '/' + basename(abs);
      const kept = lines.filter((l) => l.trim() !== entry);
      if (kept.length === lines.length) return undefined;
      const text = kept.join('\n');
      if (!text.trim()) fs.rmSync(gi);
      else fs.writeFileSync(gi, text);
      return gi;
    },
    tracked(rels) {
      if (!enabled) return rels.map(() => false);
      return rels.map((r) => git(['ls-files', '--', r]).trim() !== '');
    },
    ignored(rels) {
      if (!enabled) return rels.map(() => false);
      return rels.map((r) => git(['check-ignore', '--', r]).trim() !== '');
    },
    add(abs) {
      if (enabled) git(['add', '--', ...abs.map((a) => relative(root, a))]);
    },
  };
}
