import { testErrorCodes } from '@momo/testing';
import { GRAPH_STORE_CODES } from './codes.js';

testErrorCodes({ codes: GRAPH_STORE_CODES, srcDir: import.meta.dirname });
