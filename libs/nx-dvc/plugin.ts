/**
 * The entry point `nx.json` registers: `{ "plugin": "@momo/nx-dvc/plugin" }`. It re-exports the
 * plugin from src/plugins/plugin.ts (the layout of Nx `packages/vite/plugin.ts`) and nothing else,
 * so loading it does not pull in the executors or generators.
 */
export { createNodes, createNodesV2, createDependencies, PLUGIN_NAME as name } from './src/plugins/plugin.js';
export type { NxDvcPluginOptions } from './src/plugins/options.js';
