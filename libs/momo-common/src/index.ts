export { compareCodePoints } from './strings.js';
export { compareStrings, stringifyCanonical, cloneJson } from './json.js';
export type { JsonValue } from './json.js';
export { writeFileAtomic } from './write-file-atomic.js';
