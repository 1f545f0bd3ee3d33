import type { Command } from 'commander';
import type { Io } from './io.js';
import { define as init } from './commands/init.js';
import { define as add } from './commands/add.js';
import { define as status } from './commands/status.js';
import { define as checkout } from './commands/checkout.js';
import { define as kb } from './commands/kb.js';
import { define as commit } from './commands/commit.js';
import { define as remove } from './commands/remove.js';
import { define as gc } from './commands/gc.js';
import { define as lsFiles } from './commands/ls-files.js';
import { define as dataSync } from './commands/data-sync.js';
import { define as data } from './commands/data.js';
import { define as config } from './commands/config.js';
import { define as remote } from './commands/remote.js';
import { define as checkIgnore } from './commands/check-ignore.js';
import { define as repro } from './commands/repro.js';
import { define as dag } from './commands/dag.js';
import { define as freeze } from './commands/freeze.js';
import { define as stage } from './commands/stage.js';
import { define as params } from './commands/params.js';
import { define as metrics } from './commands/metrics.js';

/** Defines one command on the program; heavy modules are imported inside the action only. */
export type DefineCommand = (program: Command, io: Io, setCode: (code: number) => void) => void;

/** The command table. Each entry lives in src/commands/<name>.ts. */
export const COMMANDS: DefineCommand[] = [init, add, status, checkout, commit, remove, gc, lsFiles, dataSync, data, config, remote, kb, checkIgnore, repro, dag, freeze, stage, params, metrics];
