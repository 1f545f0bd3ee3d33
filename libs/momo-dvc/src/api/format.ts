/** Output formatting shared by CLI renderers: Python-compatible JSON as DVC prints it. */
export { pyJsonDumps, pyJsonString, compareCodePoints } from '../hashing/py-json.js';
