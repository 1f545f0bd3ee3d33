import type { DefineCommand } from '../cli.js';
import { action } from '../command-kit.js';
import { renderTable } from './table.js';

interface DiffFlags {
  targets?: string[];
  all?: boolean;
  deps?: boolean;
  json?: boolean;
  md?: boolean;
  path: boolean;
  precision?: number;
}

type DiffResult = Awaited<ReturnType<typeof import('@momo/dvc/api/params-metrics')['paramsDiff']>>;

/** Renders a params/metrics diff like DVC (`dvc/compare.py::show_diff`, JSON via `ui.write_json`). */
export async function printDiff(io: { out(s: string): void; err(s: string): void }, r: DiffResult, flags: DiffFlags, title: 'Param' | 'Metric'): Promise<void> {
  const { pyJsonValue, formatTableValue } = await import('@momo/dvc/api/params-metrics');
  for (const w of r.warnings ?? []) io.err(`WARNING: ${w}\n`);
  if (r.errored.length) io.err(`DVC failed to load some metrics for following revisions: '${r.errored.join(', ')}'.\n`);
  if (flags.json) {
    const obj = new Map([...r.diff].map(([f, keys]) => [f, new Map([...keys].map(([k, c]) => [k, new Map(Object.entries(c).filter(([, v]) => v !== undefined))]))]));
    io.out(pyJsonValue(obj) + '\n');
    return;
  }
  const precision = title === 'Metric' ? (flags.precision || 5) : undefined;
  const headers = ['Path', title, r.aRev, r.bRev, ...(title === 'Metric' ? ['Change'] : [])];
  const rows: string[][] = [];
  for (const [file, keys] of r.diff) {
    for (const [k, c] of keys) {
      const row = [file, k, formatTableValue(c.old, precision), formatTableValue(c.new, precision)];
      if (title === 'Metric') row.push(formatTableValue(c.diff ?? null, precision));
      rows.push(row);
    }
  }
  const drop = flags.path ? 0 : 1;
  const text = renderTable(headers.slice(drop), rows.map((row) => row.slice(drop)), { markdown: flags.md });
  if (rows.length || flags.md) io.out(text + '\n');
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `momo params diff` (dvc/commands/params.py). */
export const define: DefineCommand = (program, io) => {
  const params = program.command('params').description('Commands to display params');
  params
    .command('diff')
    .description('Show changes in params between commits in the DVC repository, or between a commit and the workspace')
    .argument('[a_rev]', 'old Git commit to compare (defaults to HEAD)')
    .argument('[b_rev]', 'new Git commit to compare (defaults to the current workspace)')
    .option('--targets <paths...>', 'specific params file(s) to compare')
    .option('--all', 'show unchanged params as well')
    .option('--deps', 'show only params that are stage dependencies')
    .option('--json', 'show output in JSON format')
    .option('--md', 'show tabulated output in the Markdown format (GFM)')
    .option('--no-path', "don't show params path")
    .option('-q, --quiet', 'be quiet')
    .action(
      action('uncaught', async (aRev: string | undefined, bRev: string | undefined, flags: DiffFlags) => {
        const { paramsDiff } = await import('@momo/dvc/api/params-metrics');
        const r = await paramsDiff({ cwd: io.cwd, env: io.env, aRev, bRev, targets: flags.targets, all: flags.all, deps: flags.deps });
        await printDiff(io, r, flags, 'Param');
      }),
    );
  void collect;
};
