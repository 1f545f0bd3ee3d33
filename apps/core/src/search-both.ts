import type { KnowledgeBase } from '@momo/kb';
import type { UserKb } from './user-kb/user-kb.js';

/** One hit of a combined search, labelled with the knowledge base it comes from. */
export interface CombinedHit {
  /** `core`: the frozen core KB shipped with the app; `user`: the user's private KB */
  kb: 'core' | 'user';
  id: string;
  title: string;
  /** repo-relative path (core) or the user's file / note title (user) */
  path: string;
  startLine: number;
  endLine: number;
  score: number;
  symbol?: string;
  module?: string;
  /** the first lines of the hit */
  snippet: string;
}

function snippet(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim());
  const s = lines.slice(0, 6).join('\n');
  return s.length > 600 ? `${s.slice(0, 600)}…` : s;
}

/**
 * Searches the core KB and the user KB with the same query and merges the hits by score (both
 * rankers use the same normalised formula), best first; ties keep the user's hit first.
 */
export async function searchBoth(options: { core?: KnowledgeBase; user?: UserKb; query: string; limit?: number }): Promise<CombinedHit[]> {
  const limit = options.limit ?? 10;
  const query = options.query.trim();
  if (!query) return [];
  const [coreHits, userHits] = await Promise.all([options.core ? options.core.search(query, { limit }) : [], options.user ? options.user.search(query, { limit }) : []]);
  const out: CombinedHit[] = [
    ...userHits.map(({ doc, score }): CombinedHit => ({
      kb: 'user',
      id: doc.id,
      title: doc.title,
      path: doc.source,
      startLine: doc.startLine,
      endLine: doc.endLine,
      score,
      ...(doc.symbol ? { symbol: doc.symbol } : {}),
      snippet: snippet(doc.content),
    })),
    ...coreHits.map((h): CombinedHit => ({
      kb: 'core',
      id: h.id,
      title: h.symbol ?? h.path.split('/').pop() ?? h.path,
      path: h.path,
      startLine: h.startLine,
      endLine: h.endLine,
      score: h.score,
      ...(h.symbol ? { symbol: h.symbol } : {}),
      ...(h.module ? { module: h.module } : {}),
      snippet: snippet(h.text),
    })),
  ];
  // stable sort: equal scores keep user hits (listed first) ahead
  out.sort((a, b) => b.score - a.score);
  return out.slice(0, limit);
}
