import { testErrorCodes } from '@momo/testing';
import { DOCUMENT_STORE_CODES } from './codes.js';

testErrorCodes({ codes: DOCUMENT_STORE_CODES, srcDir: import.meta.dirname });
