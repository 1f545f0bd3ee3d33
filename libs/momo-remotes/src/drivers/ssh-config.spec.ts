import { describe, it, expect } from 'vitest';
import { resolveSshConfig } from './ssh-config.js';

describe('resolveSshConfig', () => {
  const text = [
    'User everyone',
    'Host storage *.lab !secret.lab',
    '  HostName 10.0.0.5',
    '  Port=2222',
    '  IdentityFile ~/.ssh/lab',
    'Match host foo',
    '  User matched',
    'Host *',
    '  User fallback',
    '  Port 22',
    '  IdentityFile ~/.ssh/id_ed25519',
  ].join('\n');

  it('takes the first value of each key from matching Host blocks', () => {
    expect(resolveSshConfig(text, 'storage')).toEqual({ hostName: '10.0.0.5', user: 'everyone', port: 2222, identityFiles: ['~/.ssh/lab', '~/.ssh/id_ed25519'] });
  });

  it('honours negated patterns and skips Match blocks', () => {
    expect(resolveSshConfig(text, 'secret.lab')).toEqual({ user: 'everyone', port: 22, identityFiles: ['~/.ssh/id_ed25519'] });
  });
});
