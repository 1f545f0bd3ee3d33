import { testVectorStore } from '@momo/testing';
import { createHnswVectorStore } from './index.js';

testVectorStore('hnsw', (options) => createHnswVectorStore(options));
