import type { DefineCommand } from '../cli.js';
import { action } from '../command-kit.js';

const HEADERS: Record<string, { title: string; hints: string[] }> = {
  not_in_cache: { title: 'Not in cache:', hints: ['(use "dvc fetch <file>..." to download files)'] },
  committed: { title: 'DVC committed changes:', hints: ['(git commit the corresponding dvc files to update the repo)'] },
  uncommitted: { title: 'DVC uncommitted changes:', hints: ['(use "dvc commit <file>..." to track changes)', '(use "dvc checkout <file>..." to discard changes)'] },
  unchanged: { title: 'DVC unchanged files:', hints: [] },
};

export const define: DefineCommand = (program, io) => {
  const data = program.command('data').description('Commands related to data management');
  data
    .command('status')
    .description('Show changes between the last git commit, the dvc files and the workspace')
    .option('--json', 'show output in JSON format')
    .option('--granular', 'show granular file-level info for DVC-tracked directories')
    .option('--unchanged', 'show unmodified DVC-tracked files')
    .action(
      action('catching', async (flags: { json?: boolean; granular?: boolean; unchanged?: boolean }) => {
        const [{ dataStatus }, { pyJsonDumps }] = await Promise.all([import('@momo/dvc/api/data-status'), import('@momo/dvc/api/format')]);
        const r = await dataStatus({ cwd: io.cwd, env: io.env, granular: flags.granular, unchanged: flags.unchanged });
        const { git, ...sections } = r;
        if (flags.json) {
          io.out(pyJsonDumps(sections, { sortKeys: false }) + '\n');
          return;
        }
        const blocks: string[] = [];
        for (const [key, value] of Object.entries(sections)) {
          if (!value) continue;
          const h = HEADERS[key];
          let text = `${h.title}\n${h.hints.map((x) => `  ${x}\n`).join('')}`;
          if (Array.isArray(value)) text += value.map((p) => `        ${p}\n`).join('');
          else for (const [state, paths] of Object.entries(value)) text += (paths as string[]).map((p) => `        ${state}: ${p}\n`).join('');
          blocks.push(text);
        }
        if (blocks.length) io.out(blocks.join('\n'));
        else io.out(git.is_empty ? 'No changes in an empty git repo.\n' : 'No changes.\n');
        if (git.is_dirty) io.out(`(there are ${blocks.length ? 'other ' : ''}changes not tracked by dvc, use "git status" to see)\n`);
      }),
    );
};
