import { tmpRepo } from '@momo/testing';
import { polyglotTree } from './src/__fixtures__/polyglot-repo.js';
import { KnowledgeBase } from './src/index.js';
const repo = tmpRepo({ prefix: 'dbg-' }); repo.gen(polyglotTree());
const kb = new KnowledgeBase({ root: repo.root });
await kb.ingest();
for (const h of await kb.search(process.argv[2] ?? 'how do I compute the area of a circle', { limit: 5, explain: true })) console.log(h.id, h.symbol, h.score, JSON.stringify(h.explain));
repo.cleanup();
