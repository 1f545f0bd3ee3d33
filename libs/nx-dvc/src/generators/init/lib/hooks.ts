/**
 * The seed's pre-commit check (Phase 6.2), made to really fail when pipelines are stale: the hook
 * runs `momo status -q`, which exits 1 when a stage or tracked data changed (plain `dvc status`
 * prints the changes but exits 0, so the seed's hook never blocked a commit).
 */
import type { Tree } from '@nx/devkit';
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';

/** The command every hook runs (`npx --no` never installs anything). */
export const STALE_CHECK_COMMAND = 'npx --no momo status -q';
/** The hook id, as in the seed. */
export const HOOK_ID = 'dvc-check';

/** Which hook manager the generator configures. */
export type HookManager = 'pre-commit' | 'husky' | 'lefthook' | 'none';

const PRE_COMMIT_FILE = '.pre-commit-config.yaml';

function preCommitHook(): Record<string, unknown> {
  return { id: HOOK_ID, name: 'DVC Pipeline Check', entry: STALE_CHECK_COMMAND, language: 'system', pass_filenames: false, always_run: true };
}

/** `.pre-commit-config.yaml`: a `repo: local` hook (created, or added to the existing file). */
function writePreCommit(tree: Tree): boolean {
  if (!tree.exists(PRE_COMMIT_FILE)) {
    tree.write(
      PRE_COMMIT_FILE,
      `repos:\n  - repo: local\n    hooks:\n      - id: ${HOOK_ID}\n        name: DVC Pipeline Check\n        entry: ${STALE_CHECK_COMMAND}\n        language: system\n        pass_filenames: false\n        always_run: true\n`,
    );
    return true;
  }
  const doc = parseDocument(tree.read(PRE_COMMIT_FILE, 'utf-8') ?? '');
  let repos = doc.get('repos') as YAMLSeq | undefined;
  if (!isSeq(repos)) {
    doc.set('repos', doc.createNode([]));
    repos = doc.get('repos') as YAMLSeq;
  }
  for (const r of repos.items) {
    if (!isMap(r)) continue;
    const hooks = (r as YAMLMap).get('hooks');
    if (isSeq(hooks) && hooks.items.some((h) => isMap(h) && (h as YAMLMap).get('id') === HOOK_ID)) return false;
  }
  const local = repos.items.find((r) => isMap(r) && (r as YAMLMap).get('repo') === 'local') as YAMLMap | undefined;
  if (local) {
    const hooks = local.get('hooks');
    if (isSeq(hooks)) hooks.add(doc.createNode(preCommitHook()));
    else local.set('hooks', doc.createNode([preCommitHook()]));
  } else {
    repos.add(doc.createNode({ repo: 'local', hooks: [preCommitHook()] }));
  }
  tree.write(PRE_COMMIT_FILE, doc.toString());
  return true;
}

/** `.husky/pre-commit`: the check appended (husky v9 runs the file with sh). */
function writeHusky(tree: Tree): boolean {
  const file = '.husky/pre-commit';
  const text = tree.exists(file) ? (tree.read(file, 'utf-8') ?? '') : '';
  if (text.split('\n').some((l) => l.trim() === STALE_CHECK_COMMAND)) return false;
  const prefix = text === '' || text.endsWith('\n') ? '' : '\n';
  tree.write(file, `${text}${prefix}${STALE_CHECK_COMMAND}\n`, { mode: 0o755 });
  return true;
}

/** `lefthook.yml`: a `pre-commit` command. */
function writeLefthook(tree: Tree): boolean {
  const file = tree.exists('lefthook.yaml') ? 'lefthook.yaml' : 'lefthook.yml';
  const doc = parseDocument(tree.exists(file) ? (tree.read(file, 'utf-8') ?? '') : '');
  if (doc.getIn(['pre-commit', 'commands', HOOK_ID])) return false;
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as never;
  doc.setIn(['pre-commit', 'commands', HOOK_ID], doc.createNode({ run: STALE_CHECK_COMMAND }));
  tree.write(file, doc.toString());
  return true;
}

/** Configures the chosen hook manager. @returns the file written, or undefined when nothing changed */
export function writeStaleCheckHook(tree: Tree, manager: HookManager): string | undefined {
  switch (manager) {
    case 'pre-commit':
      return writePreCommit(tree) ? PRE_COMMIT_FILE : undefined;
    case 'husky':
      return writeHusky(tree) ? '.husky/pre-commit' : undefined;
    case 'lefthook':
      return writeLefthook(tree) ? (tree.exists('lefthook.yaml') ? 'lefthook.yaml' : 'lefthook.yml') : undefined;
    case 'none':
      return undefined;
  }
}
