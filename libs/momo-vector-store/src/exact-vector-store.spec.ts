import { testVectorStore } from '@momo/testing';
import { createExactVectorStore } from './index.js';

testVectorStore('exact', (options) => createExactVectorStore(options));
