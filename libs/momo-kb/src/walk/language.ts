import type { KbLanguage } from '../types.js';

const BY_EXT: Record<string, KbLanguage> = {
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  py: 'python',
  pyi: 'python',
  md: 'markdown',
  markdown: 'markdown',
};

/** Lowercased extension without the dot ('' when none). */
export function extensionOf(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? path.slice(dot + 1).toLowerCase() : '';
}

/** The language of a file by its extension, or undefined when the KB does not parse it. */
export function languageOf(path: string): KbLanguage | undefined {
  return BY_EXT[extensionOf(path)];
}
