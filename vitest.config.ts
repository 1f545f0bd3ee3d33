import { defineConfig } from 'vitest/config';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Workspace packages resolve to their TypeScript sources in tests, so tests never need a build.
const alias: Array<{ find: string | RegExp; replacement: string }> = [
  // deep imports of engine operations (`@momo/dvc/api/status`) used by the CLI for fast start-up
  { find: /^@momo\/dvc\/api\/(.*)$/, replacement: resolve('libs/momo-dvc/src/api/$1.ts') },
];
for (const top of ['libs', 'apps']) {
  for (const dir of readdirSync(top)) {
    const pj = join(top, dir, 'package.json');
    if (!existsSync(pj)) continue;
    const name = JSON.parse(readFileSync(pj, 'utf8')).name as string;
    const entry = ['src/index.ts', 'src/main.ts'].map((f) => join(top, dir, f)).find((f) => existsSync(f));
    if (entry) alias.push({ find: new RegExp(`^${name.replace('/', '\\/')}$`), replacement: resolve(entry) });
  }
}

export default defineConfig({
  resolve: { alias },
  test: {
    pool: 'threads',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    include: ['libs/**/src/**/*.spec.ts', 'apps/**/src/**/*.spec.ts', 'e2e/**/*.spec.ts', 'scripts/**/*.spec.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
  },
});
