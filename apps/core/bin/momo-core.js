#!/usr/bin/env node
// Deployed mode: the network guard is installed before anything else is loaded.
import { installNetworkGuard } from '../dist/network-guard.js';

installNetworkGuard();
const { main } = await import('../dist/main.js');
process.exitCode = await main(process.argv.slice(2));
