import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^lifeline$/, replacement: src('index.ts') },
      { find: /^lifeline\/testing$/, replacement: src('testing/index.ts') },
      { find: /^lifeline\/stores\/(.*)$/, replacement: src('stores/$1/index.ts') },
      { find: /^lifeline\/connectors\/(.*)$/, replacement: src('connectors/$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
