import type { DefineCommand } from '../cli.js';
import { action, globals } from '../command-kit.js';

/** "1 file modified, 3 files added and 1 file deleted" (dvc/commands/checkout.py + humanize.join). */
export function checkoutSummary(stats: { added: number; modified: number; deleted: number }): string {
  const parts: string[] = [];
  const one = (n: number, what: string) => `${n} file${n === 1 ? '' : 's'} ${what}`;
  if (stats.modified) parts.push(one(stats.modified, 'modified'));
  if (stats.added) parts.push(one(stats.added, 'added'));
  if (stats.deleted) parts.push(one(stats.deleted, 'deleted'));
  if (!parts.length) return 'No changes.';
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

export function renderCheckout(r: { added: string[]; modified: string[]; deleted: string[] }): string {
  // rich expands the TAB after the letter to column 8
  const line = (letter: string, p: string) => `${letter.padEnd(8)}${p}\n`;
  return [...r.modified.map((p) => line('M', p)), ...r.added.map((p) => line('A', p)), ...r.deleted.map((p) => line('D', p))].join('');
}

export const define: DefineCommand = (program, io) => {
  program
    .command('checkout')
    .description('Checkout data files from cache')
    .argument('[targets...]', 'limit to these .dvc files, stages or paths')
    .option('-f, --force', 'do not prompt when removing working directory files')
    .option('--relink', 'recreate links or copies from cache to workspace')
    .option('--summary', 'show summary of the changes')
    .option('--allow-missing', 'ignore errors if some of the files or directories are missing')
    .option('-j, --jobs <n>', 'number of threads for hashing', (v) => Number(v))
    .option('-q, --quiet', 'be quiet')
    .action(
      action('uncaught', async (targets: string[], flags: { force?: boolean; relink?: boolean; summary?: boolean; allowMissing?: boolean; jobs?: number }, cmd) => {
        const [{ checkout }, { isMomoError }] = await Promise.all([import('@momo/dvc/api/checkout'), import('@momo/errors')]);
        const quiet = globals(cmd).quiet;
        const show = (r: { added: string[]; modified: string[]; deleted: string[]; stats: { added: number; modified: number; deleted: number } }) => {
          if (quiet) return;
          if (flags.summary) io.out(checkoutSummary(r.stats) + '\n');
          else io.out(renderCheckout(r));
        };
        try {
          const r = await checkout({ cwd: io.cwd, env: io.env, targets, force: flags.force, relink: flags.relink, allowMissing: flags.allowMissing, jobs: flags.jobs });
          for (const w of r.warnings) io.err(`WARNING: ${w}\n`);
          show(r);
          if (flags.relink && !quiet) io.out('Relinked successfully\n');
        } catch (e) {
          // a partial checkout still reports what it changed before failing
          const partial = (e as { result?: Parameters<typeof show>[0] & { warnings?: string[] } }).result;
          if (partial && isMomoError(e, 'CHECKOUT_FAILED')) {
            for (const w of partial.warnings ?? []) io.err(`WARNING: ${w}\n`);
            show(partial);
          }
          throw e;
        }
      }),
    );
};
