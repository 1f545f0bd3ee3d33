/**
 * Tables as DVC prints them through tabulate 0.10 (`dvc/ui/table.py::plain_table`:
 * `disable_numparse=True`, `missingval="-"`): "plain" rows with two-space gaps, every column at
 * least as wide as its header + 2, trailing spaces stripped; "github" (`--md`) with `|` borders,
 * a dash separator line and a trailing newline. Cells are stripped of surrounding whitespace.
 */
export function renderTable(headers: readonly string[] | undefined, rows: ReadonlyArray<ReadonlyArray<string | undefined>>, opts: { markdown?: boolean } = {}): string {
  const cells = rows.map((r) => r.map((c) => (c === undefined ? '-' : c.trim())));
  const ncol = Math.max(headers?.length ?? 0, ...cells.map((r) => r.length));
  const len = (s: string) => [...s].length;
  const widths = Array.from({ length: ncol }, (_, i) => {
    const min = headers ? len(headers[i] ?? '') + 2 : 0;
    return Math.max(min, ...cells.map((r) => len(r[i] ?? '')));
  });
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - len(s)));
  if (opts.markdown) {
    const line = (r: readonly string[]) => `| ${widths.map((w, i) => pad(r[i] ?? '', w)).join(' | ')} |`;
    const out = [line(headers ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)];
    return out.join('\n') + '\n';
  }
  const line = (r: readonly string[]) => widths.map((w, i) => pad(r[i] ?? '', w)).join('  ').replace(/\s+$/, '');
  return [...(headers ? [line(headers)] : []), ...cells.map(line)].join('\n');
}
