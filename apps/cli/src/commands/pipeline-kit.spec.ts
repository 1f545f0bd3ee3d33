import { describe, expect, it } from 'vitest';
import { createReproPrinter, type PrintableEvent } from './pipeline-kit.js';
import { renderTable } from './table.js';
import type { Io } from '../io.js';

function capture(): { io: Io; text: () => string } {
  const chunks: string[] = [];
  const io: Io = { out: (t) => chunks.push(`[out]${t}`), err: (t) => chunks.push(`[err]${t}`), isTTY: false, cwd: '/', env: {} };
  return { io, text: () => chunks.join('') };
}

describe('repro printer', () => {
  it('prints info on stdout, warnings on stderr with WARNING:, command output on its stream', () => {
    const c = capture();
    const p = createReproPrinter(c.io, {});
    p({ type: 'log', level: 'info', message: "Running stage 'a':", stage: 'a' });
    p({ type: 'output', stage: 'a', stream: 'stderr', text: 'oops\n' });
    p({ type: 'log', level: 'warning', message: 'careful' });
    expect(c.text()).toBe("[out]Running stage 'a':\n[err]oops\n[err]WARNING: careful\n");
  });

  it('groups output of stages running side by side (-j N): the first started streams, the others wait their turn', () => {
    const c = capture();
    const p = createReproPrinter(c.io, { grouped: true });
    const ev: PrintableEvent[] = [
      { type: 'stage-started', stage: 'a' },
      { type: 'stage-started', stage: 'b' },
      { type: 'output', stage: 'b', stream: 'stdout', text: 'b1\n' },
      { type: 'output', stage: 'a', stream: 'stdout', text: 'a1\n' },
      { type: 'stage-finished', stage: 'b' },
      { type: 'output', stage: 'a', stream: 'stdout', text: 'a2\n' },
      { type: 'stage-finished', stage: 'a' },
    ];
    for (const e of ev) p(e);
    expect(c.text()).toBe('[out]a1\n[out]a2\n[out]b1\n');
  });
});

describe('tables (tabulate 0.10 as DVC calls it)', () => {
  it('pads every column to its header + 2, separates with two spaces, strips trailing spaces', () => {
    expect(renderTable(['Path', 'Param', 'HEAD', 'workspace'], [['p.yaml', 'lr', '1', '2'], ['params.yaml', 'train.epochs', '70', '110']])).toBe(
      'Path         Param         HEAD    workspace\np.yaml       lr            1       2\nparams.yaml  train.epochs  70      110',
    );
    expect(renderTable(undefined, [['copy', 'Outputs bar'], ['second', 'x']])).toBe('copy    Outputs bar\nsecond  x');
  });

  it('renders GitHub markdown with a dash separator and a trailing newline', () => {
    expect(renderTable(['Path', 'Param', 'HEAD', 'workspace'], [['p.yaml', 'lr', '1', '2']], { markdown: true })).toBe(
      '| Path   | Param   | HEAD   | workspace   |\n|--------|---------|--------|-------------|\n| p.yaml | lr      | 1      | 2           |\n',
    );
  });
});
