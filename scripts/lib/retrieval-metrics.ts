/** Quality of one ranked list against a set of relevant items (binary relevance). */
export interface RankQuality {
  /** 1-based rank of the first relevant item within the list, 0 when none is there. */
  firstRank: number;
  /** Fraction of the relevant items found in the top k, for each k asked. */
  recall: Record<number, number>;
  /** 1 / firstRank within the top `mrrDepth`, else 0. */
  reciprocalRank: number;
  /** DCG@10 / ideal DCG@10 with gain 1 per relevant item, log2(rank + 1) discount. */
  ndcgAt10: number;
}

/**
 * Scores a ranking: recall@k for each k, reciprocal rank (cut at `mrrDepth`) and NDCG@10. Items
 * are compared by identity; a relevant item counts once even if the ranking repeats it.
 */
export function scoreRanking(ranked: readonly string[], relevant: ReadonlySet<string>, ks: readonly number[], mrrDepth = 10): RankQuality {
  const seen = new Set<string>();
  let firstRank = 0;
  let dcg = 0;
  const foundAt: number[] = [];
  ranked.forEach((id, i) => {
    if (!relevant.has(id) || seen.has(id)) return;
    seen.add(id);
    foundAt.push(i + 1);
    if (!firstRank) firstRank = i + 1;
    if (i < 10) dcg += 1 / Math.log2(i + 2);
  });
  let idcg = 0;
  for (let i = 0; i < Math.min(10, relevant.size); i++) idcg += 1 / Math.log2(i + 2);
  const recall: Record<number, number> = {};
  for (const k of ks) recall[k] = relevant.size ? foundAt.filter((r) => r <= k).length / relevant.size : 0;
  return {
    firstRank,
    recall,
    reciprocalRank: firstRank && firstRank <= mrrDepth ? 1 / firstRank : 0,
    ndcgAt10: idcg ? dcg / idcg : 0,
  };
}

/** The value at percentile `p` (0-100) of a sample, nearest-rank method. */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

/** Deterministic PRNG (mulberry32): the same seed gives the same query sample on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A doc comment turned into a search query: the summary before the first `@tag`, without code
 * blocks, markup, links and URLs, at most 32 words; undefined when fewer than 5 words remain.
 */
export function docToQuery(doc: string): string | undefined {
  const summary = doc.split(/\n\s*@/)[0];
  const text = summary
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/\{@\w+\s+([^}|]+)(?:\|[^}]*)?\}/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[`*_#>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const words = text ? text.split(' ') : [];
  return words.length >= 5 ? words.slice(0, 32).join(' ') : undefined;
}

/** Rounds for the metrics file: 4 decimals, so float noise never changes its bytes. */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Quality of one ranked list against graded relevance (grade 0 = not relevant). */
export interface GradedQuality {
  /** 1-based rank of the first item of the top grade, 0 when none is ranked. */
  firstRank: number;
  /** Fraction of the top-grade items found in the top k, for each k asked. */
  recall: Record<number, number>;
  /** 1 / firstRank within the top `mrrDepth`, else 0. */
  reciprocalRank: number;
  /** DCG@10 / ideal DCG@10 with gain = grade and a log2(rank + 1) discount. */
  ndcgAt10: number;
}

/**
 * Scores a ranking against graded relevance: NDCG@10 with the grade as gain (so a partly relevant
 * item earns partial credit), and recall@k and the reciprocal rank counted on the items of the top
 * grade only (the answers themselves). Items count once even if the ranking repeats them.
 */
export function scoreGraded(ranked: readonly string[], grades: ReadonlyMap<string, number>, ks: readonly number[], mrrDepth = 10): GradedQuality {
  let top = 0;
  for (const g of grades.values()) if (g > top) top = g;
  const answers = [...grades.values()].filter((g) => g === top && g > 0).length;
  const seen = new Set<string>();
  let firstRank = 0;
  let dcg = 0;
  const foundAt: number[] = [];
  ranked.forEach((id, i) => {
    const g = grades.get(id) ?? 0;
    if (g <= 0 || seen.has(id)) return;
    seen.add(id);
    if (i < 10) dcg += g / Math.log2(i + 2);
    if (g === top) {
      foundAt.push(i + 1);
      if (!firstRank) firstRank = i + 1;
    }
  });
  const ideal = [...grades.values()].filter((g) => g > 0).sort((a, b) => b - a).slice(0, 10);
  const idcg = ideal.reduce((s, g, i) => s + g / Math.log2(i + 2), 0);
  const recall: Record<number, number> = {};
  for (const k of ks) recall[k] = answers ? foundAt.filter((r) => r <= k).length / answers : 0;
  return { firstRank, recall, reciprocalRank: firstRank && firstRank <= mrrDepth ? 1 / firstRank : 0, ndcgAt10: idcg ? dcg / idcg : 0 };
}
