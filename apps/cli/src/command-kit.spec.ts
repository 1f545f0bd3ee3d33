import { describe, it, expect } from 'vitest';
import type { Io } from './io.js';
import { MomoError } from '@momo/errors';
import { applyErrorPolicy, formatBytes, progressPrinter } from './command-kit.js';

function io(isTTY: boolean): Io & { errs: string[] } {
  const errs: string[] = [];
  return { out: () => undefined, err: (t) => errs.push(t), isTTY, cwd: '/', env: {}, errs };
}

describe('formatBytes', () => {
  it('uses binary units with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(10 * 1024 * 1024 * 1024)).toBe('10.0 GiB');
  });
});

describe('progressPrinter', () => {
  it('prints nothing when quiet or when stderr is not a terminal', () => {
    expect(progressPrinter(io(true), true)).toBeUndefined();
    expect(progressPrinter(io(false), false)).toBeUndefined();
  });

  it('redraws files, bytes and rate at most every 100 ms and ends the line once', () => {
    let now = 1_000;
    const t = io(true);
    const p = progressPrinter(t, false, () => now)!;
    p('Pushing', 1, 4, 512);
    now += 50;
    p('Pushing', 2, 4, 1024); // within 100 ms: skipped
    now += 950;
    p('Pushing', 3, 4, 3 * 1024 * 1024);
    p('Pushing', 4, 4, 4 * 1024 * 1024); // the last one is always drawn
    p('Pushing', 4, 4, 4 * 1024 * 1024); // and only once
    expect(t.errs).toEqual([
      '\r\x1b[KPushing 1/4 files, 512 B',
      '\r\x1b[KPushing 3/4 files, 3.0 MiB (3.0 MiB/s)',
      '\r\x1b[KPushing 4/4 files, 4.0 MiB (4.0 MiB/s)\n',
    ]);
  });
});

describe('applyErrorPolicy', () => {
  it('ends remote connection failures with 255 even in catching commands, like DVC 3.67.1', () => {
    const auth = applyErrorPolicy(new MomoError('REMOTE_AUTH_FAILED', 'x', { exitCode: 1 }), 'catching') as MomoError;
    const failed = applyErrorPolicy(new MomoError('PUSH_FAILED', 'x', { exitCode: 1 }), 'catching') as MomoError;
    expect([auth.exitCode, failed.exitCode]).toEqual([255, 1]);
  });
});
