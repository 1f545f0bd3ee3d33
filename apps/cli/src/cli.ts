import type { Command } from 'commander';
import type { Io } from './io.js';

/** Defines one command on the program; heavy modules are imported inside the action only. */
export type DefineCommand = (program: Command, io: Io, setCode: (code: number) => void) => void;

/** The command table. Each entry lives in src/commands/<name>.ts. */
export const COMMANDS: DefineCommand[] = [];
