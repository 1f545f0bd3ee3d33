import { testErrorCodes } from '@momo/testing';
import { VECTOR_STORE_CODES } from './codes.js';

testErrorCodes({ codes: VECTOR_STORE_CODES, srcDir: import.meta.dirname });
