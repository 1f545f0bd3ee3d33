import { testDocumentStore } from '@momo/testing';
import { createMemoryDocumentStore } from './index.js';

testDocumentStore('memory', () => createMemoryDocumentStore());
