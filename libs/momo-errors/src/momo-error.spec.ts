import { describe, expect, it } from 'vitest';
import { MomoError, isMomoError, EXIT } from './index.js';

describe('MomoError', () => {
  it('is recognised by brand after a JSON round trip', () => {
    const e = new MomoError('REPO_LOCKED', "'.dvc/tmp/lock' is held", { hint: 'wait', exitCode: EXIT.FAILED });
    const back = MomoError.fromJSON(JSON.parse(JSON.stringify(e)));
    expect(isMomoError(back, 'REPO_LOCKED')).toBe(true);
    expect(back.hint).toBe('wait');
  });
  it('rejects plain errors and other codes', () => {
    expect(isMomoError(new Error('x'))).toBe(false);
    expect(isMomoError(new MomoError('A', 'a'), 'B')).toBe(false);
  });
});
