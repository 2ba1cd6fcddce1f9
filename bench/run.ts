/**
 * `npm run bench`: runs every benchmark in its own process, one after the
 * other, and prints their figures (each prints ratios against a baseline
 * measured in the same run). Pass names to run a subset:
 * `npm run bench -- policy-overhead ledger`.
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
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file], { stdio: 'inherit' });
  console.log(`=== ${name}: exit ${result.status} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
