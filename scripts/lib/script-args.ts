import { EXIT, MomoError } from '@momo/errors';

/** Parsed command line of a pipeline script: `--name value` flags and positional arguments. */
export interface ScriptArgs {
  flags: Map<string, string>;
  positional: string[];
}

/**
 * Parses `--name value` / `--name=value` flags (every flag takes a value) and positionals.
 * @throws USAGE_INVALID for an unknown flag or a flag without a value.
 */
export function parseScriptArgs(argv: string[], known: string[], usage: string): ScriptArgs {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!known.includes(name)) {
      throw new MomoError('USAGE_INVALID', `unknown option '--${name}'`, { hint: `usage: ${usage}`, exitCode: EXIT.USAGE });
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) {
      throw new MomoError('USAGE_INVALID', `option '--${name}' needs a value`, { hint: `usage: ${usage}`, exitCode: EXIT.USAGE });
    }
    flags.set(name, value);
  }
  return { flags, positional };
}
