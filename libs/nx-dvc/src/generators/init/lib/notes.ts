/**
 * The seed's Phase 6.1: a command section appended to the workspace's developer notes (CLAUDE.md)
 * when that file exists, with commands that work (the seed's `nx run kb-ingest` names no project).
 */
import type { Tree } from '@nx/devkit';
import { stageTargetName, type NormalizedPluginOptions } from '../../../plugins/options.js';

/** The heading the section starts with (also how a second run knows it is there). */
export const NOTES_HEADING = '### DVC MLOps Commands';
/** The notes file of the seed. */
export const NOTES_FILE = 'CLAUDE.md';

/** The section text for the workspace's root project and Python modules. */
export function notesSection(options: { rootProject?: string; modules: readonly string[]; targets: NormalizedPluginOptions }): string {
  const t = options.targets;
  const root = options.rootProject ?? '<root project>';
  const rows: Array<[string, string]> = [
    [`nx run-many -t ${t.pullTargetName}`, 'Pull the latest data and KB artifacts'],
    [`nx run ${root}:${stageTargetName(t, 'kb-ingest')}`, 'Process code into KB artifacts'],
    [`nx run ${root}:${stageTargetName(t, 'docs-generate')}`, 'Generate fresh documentation'],
    [`nx run-many -t ${t.reproTargetName}`, 'Reproduce every pipeline that changed'],
    [`nx run-many -t ${t.pushTargetName}`, 'Share data and KB artifacts with the team'],
    ['npx momo status', 'What is stale (the pre-commit hook runs `momo status -q`)'],
    ['nx sync', 'Re-expand glob deps in dvc.yaml after adding or removing projects'],
  ];
  const moduleRows: Array<[string, string]> = options.modules.map((m) => [`nx run ${m}:${t.reproTargetName}`, `Rebuild ${m}'s artifacts`]);
  const width = Math.max(...[...rows, ...moduleRows].map(([c]) => c.length)) + 2;
  const fmt = ([c, d]: [string, string]) => `${c.padEnd(width)}# ${d}`;
  let text = `${NOTES_HEADING}\n\n\`\`\`bash\n# Core workflow\n${rows.map(fmt).join('\n')}\n`;
  if (moduleRows.length) text += `\n# Module-specific\n${moduleRows.map(fmt).join('\n')}\n`;
  text += '```\n';
  return text;
}

/** Appends the section to CLAUDE.md if the file exists and has no such section. @returns true when changed */
export function appendNotes(tree: Tree, section: string): boolean {
  if (!tree.exists(NOTES_FILE)) return false;
  const text = tree.read(NOTES_FILE, 'utf-8') ?? '';
  if (text.includes(NOTES_HEADING)) return false;
  const sep = text === '' ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  tree.write(NOTES_FILE, `${text}${sep}${section}`);
  return true;
}
