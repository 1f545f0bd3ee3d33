/** Graph file in a saved directory. */
export const GRAPH_FILE = 'graph.json';
/** Manifest file in a saved directory. */
export const MANIFEST_FILE = 'manifest.json';
/** `format` value of the manifest. */
export const GRAPH_FORMAT = 'momo-graph';
/** Version of the saved format. */
export const GRAPH_FORMAT_VERSION = 1;
/** Edge kinds `dependents` follows by default. */
export const DEFAULT_DEPENDENCY_EDGE_KINDS = ['imports', 'calls', 'references', 'depends-on'] as const;
