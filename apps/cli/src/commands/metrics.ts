import type { DefineCommand } from '../cli.js';
import { action } from '../command-kit.js';
import { renderTable } from './table.js';
import { printDiff } from './params.js';

/** `momo metrics show` / `momo metrics diff` (dvc/commands/metrics.py). */
export const define: DefineCommand = (program, io) => {
  const metrics = program.command('metrics').description('Commands to display metrics');
  metrics
    .command('show')
    .description('Print metrics, with optional formatting')
    .argument('[targets...]', 'limit command scope to these metrics files')
    .option('--json', 'show output in JSON format')
    .option('--md', 'show tabulated output in the Markdown format (GFM)')
    .option('--precision <n>', 'round metrics to n digits after the decimal point (5 by default)', (v) => Number(v))
    .option('-q, --quiet', 'be quiet')
    .action(
      action('uncaught', async (targets: string[], flags: { json?: boolean; md?: boolean; precision?: number }) => {
        const { metricsShow, pyJsonValue, formatTableValue } = await import('@momo/dvc/api/params-metrics');
        const files = await metricsShow({ cwd: io.cwd, env: io.env, targets: targets.length ? targets : undefined });
        const errored = [...files.values()].some((v) => 'error' in v);
        if (flags.json) {
          const data = new Map([...files].map(([f, v]) => [f, 'data' in v ? new Map([['data', v.data]]) : new Map([['error', new Map(Object.entries(v.error))]])]));
          io.out(pyJsonValue(new Map([['', new Map([['data', data]])]])) + '\n');
        }
        if (errored) io.err("DVC failed to load some metrics for following revisions: ''.\n");
        if (flags.json) return;
        const { flattenDotted, formatDict } = await import('@momo/dvc/api/params-metrics');
        const precision = flags.precision || 5;
        const columns = new Set<string>();
        const rows: Array<[string, Map<string, unknown>]> = [];
        for (const [file, v] of files) {
          const flat = new Map<string, unknown>();
          if ('data' in v) {
            const d = formatDict(v.data);
            if (d instanceof Map) for (const [k, x] of flattenDotted(d)) flat.set(k, x);
            else flat.set('', d);
          }
          for (const k of flat.keys()) columns.add(k);
          rows.push([file, flat]);
        }
        if (!rows.length) return;
        const cols = [...columns].sort();
        const table = renderTable(['Path', ...cols], rows.map(([f, flat]) => [f, ...cols.map((c) => (flat.has(c) ? formatTableValue(flat.get(c), precision) : '-'))]), { markdown: flags.md });
        io.out(table + '\n');
      }),
    );
  metrics
    .command('diff')
    .description('Show changes in metrics between commits in the DVC repository, or between a commit and the workspace')
    .argument('[a_rev]', 'old Git commit to compare (defaults to HEAD)')
    .argument('[b_rev]', 'new Git commit to compare (defaults to the current workspace)')
    .option('--targets <paths...>', 'specific metrics file(s) to compare')
    .option('--all', 'show unchanged metrics as well')
    .option('--json', 'show output in JSON format')
    .option('--md', 'show tabulated output in the Markdown format (GFM)')
    .option('--no-path', "don't show metric path")
    .option('--precision <n>', 'round metrics to n digits after the decimal point (5 by default)', (v) => Number(v))
    .option('-q, --quiet', 'be quiet')
    .action(
      action('uncaught', async (aRev: string | undefined, bRev: string | undefined, flags: { targets?: string[]; all?: boolean; json?: boolean; md?: boolean; path: boolean; precision?: number }) => {
        const { metricsDiff } = await import('@momo/dvc/api/params-metrics');
        const r = await metricsDiff({ cwd: io.cwd, env: io.env, aRev, bRev, targets: flags.targets, all: flags.all });
        await printDiff(io, r, flags, 'Metric');
      }),
    );
};
