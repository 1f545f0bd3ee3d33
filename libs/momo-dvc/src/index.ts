export {};
export { dumpYaml, representYaml } from './yaml/dump.js';
export { PyFloat, YamlTimestamp, isPyFloat, pythonFloatRepr } from './yaml/values.js';
export { resolvePlainTag } from './yaml/resolve-scalar.js';
export type { PlainTag } from './yaml/resolve-scalar.js';
export { parseYaml, keyToString } from './yaml/parse.js';
export type { ParsedYaml, ParseYamlOptions, YamlValue, YamlKey, YamlPosition, YamlPathSegment } from './yaml/parse.js';
