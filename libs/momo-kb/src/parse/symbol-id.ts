/**
 * Builds the stable id of a symbol, `<path>#<qualifiedName>`, adding `~2`, `~3`, ... to repeated
 * names in one file (overloads, re-declarations) so ids stay unique and deterministic.
 */
export function makeSymbolId(path: string, qualifiedName: string, seen: Map<string, number>): string {
  const n = (seen.get(qualifiedName) ?? 0) + 1;
  seen.set(qualifiedName, n);
  return n === 1 ? `${path}#${qualifiedName}` : `${path}#${qualifiedName}~${n}`;
}
