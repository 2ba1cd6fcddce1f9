import { defineConfig } from 'tsup';

/**
 * Library entries, one per public subpath; each must also appear in
 * package.json `exports` (test/package/exports.test.ts checks that they agree).
 */
export const libraryEntries = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'stores/sqlite/index': 'src/stores/sqlite/index.ts',
  'stores/postgres/index': 'src/stores/postgres/index.ts',
  'connectors/scim/index': 'src/connectors/scim/index.ts',
} as const;

const shared = {
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  treeshake: true,
} as const;

export default defineConfig([
  {
    ...shared,
    entry: libraryEntries,
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    shims: true,
    clean: true,
  },
  // The CLI is ESM only (it uses top-level await); it is the package's `bin`.
  { ...shared, entry: { 'cli/main': 'src/cli/main.ts' }, format: ['esm'], dts: false, clean: false },
]);
