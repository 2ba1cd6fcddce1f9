/**
 * `npm run bench`: builds the package, then runs every benchmark in its own
 * process, one after the other, and prints their figures (each prints ratios
 * against a baseline measured in the same run). Pass names to run a subset:
 * `npm run bench -- policy-overhead ledger`.
 *
 * Benchmarks measure the built package (dist/), as users run it: the children
 * get `TSX_TSCONFIG_PATH=bench/tsconfig.json`, which has no `paths`, so
 * `lifeline` resolves to dist through the package's own exports. (Run through
 * tsx on src, esbuild's keepNames wraps every function and closure in a
 * `__name` call, which inflates per-call costs.) One benchmark by hand:
 * `npm run build && TSX_TSCONFIG_PATH=bench/tsconfig.json node --import tsx --expose-gc bench/ledger.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ALL = [
  'policy-overhead',
  'ledger',
  'revocation',
  'audit-verify',
  'rate-limited',
  'outage',
  'lifecycle',
  'scim',
];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ALL;
const here = import.meta.dirname;
let failed = 0;
for (const name of chosen) {
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) {
    console.log(`\n=== ${name}: no such benchmark (${file})`);
    failed++;
    continue;
  }
  console.log(`\n=== ${name} (${new Date().toISOString()})`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file], {
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: join(here, 'tsconfig.json') },
  });
  console.log(`=== ${name}: exit ${result.status} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
