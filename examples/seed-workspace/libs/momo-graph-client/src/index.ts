export { Graph, shortestPath } from './graph.js';
export type { Edge } from './graph.js';
