export { tmpRepo, writeTree, GIT_ENV } from './tmp-repo.js';
export type { TmpRepo, FileTree } from './tmp-repo.js';
export { oracleDvcPath, runDvc, runMomo, testEnv, PROJECT_ROOT, MOMO_BIN, ORACLE_DVC_VERSION } from './oracle.js';
export type { RunResult } from './oracle.js';
export { testGraphStore, SAMPLE_GRAPH } from './conformance/graph-store.js';
export type { GraphStoreFactory, GraphStoreTestContext } from './conformance/graph-store.js';
export { testRemote } from './conformance/remote.js';
export type { ConformanceRemote, ConformanceProgress, RemoteFixture, RemoteTestContext, RemoteFeatures, TestRemoteOptions } from './conformance/remote.js';
