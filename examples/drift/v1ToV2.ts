/**
 * Worked example for docs/adapters-and-drift.md: the Acme connector against
 * the fake target while the tenant moves from API v1 to v2.
 *
 *   npx tsx examples/drift/v1ToV2.ts
 *
 * 1. Record a contract baseline on v1 (what CI would commit).
 * 2. The target switches the tenant to v2.
 * 3. A connector that only knows v1 fails closed: `schema_drift` with a diff.
 * 4. A connector with both adapters switches to v2 (one event) and keeps working.
 * 5. The contract check of the v1-only connector reports what broke, for CI.
 */
import {
  checkContract,
  formatContractReport,
  isLifelineError,
  recordContract,
  type SchemaDriftError,
  staticCredential,
} from 'lifeline';
import { createFakeTarget } from 'lifeline/testing';
import { acme, acmeV1, createAcmeConnector } from '../acme';
import { ACME_IDS, acmeExercise, seedAcme } from './acmeContract';

await using target = await createFakeTarget({ seed: 4, tenants: [{ id: 'acme', apiVersion: 'v1' }] });
seedAcme(target);
const config = { baseUrl: target.tenantUrl('acme'), tenant: 'acme' };
const credential = staticCredential(target.token('acme'));

// A team that has not updated its connector yet, and one that ships both adapters.
const legacy = createAcmeConnector({ adapters: [acmeV1] }).with(config, credential);
const current = acme.with(config, credential);
current.onAdapterSwitch(({ from, to, reason }) =>
  console.log(`adapter switch: ${from ?? '(none)'} → ${to} (${reason})`),
);
current.onDriftWarning(({ operation, additions }) =>
  console.log(`additive drift in ${operation}: ${additions.join(', ')}`),
);

// 1. The baseline, recorded on v1.
const baseline = await recordContract({ connector: legacy, exercise: acmeExercise });
console.log(
  `baseline: ${Object.keys(baseline.operations).length} operations on adapter ${baseline.adapterVersion}`,
);
console.log(`  account.get › account: ${baseline.operations['account.get']?.account?.shape.join(', ')}`);
await current.call('connection.test', {});

// 2. Acme ships API v2 for this tenant.
target.setApiVersion('acme', 'v2');
console.log('\n--- the tenant now speaks API v2 ---\n');

// 3. The v1-only connector: disabling an account fails closed with a field diff.
try {
  await legacy.call('account.disable', { account: { id: ACME_IDS.spare } });
  console.log('UNEXPECTED: the disable was reported as a success');
} catch (error) {
  if (!isLifelineError(error, 'schema_drift')) throw error;
  const drift = error as SchemaDriftError;
  console.log(
    `v1-only account.disable → ${drift.code} (${drift.hint}, adapter ${drift.adapterVersion}, shape ${drift.fingerprint})`,
  );
  for (const change of drift.changes) {
    const candidates = change.candidates ? ` candidates: ${change.candidates.join(', ')}` : '';
    console.log(
      `  ${change.kind.padEnd(17)} ${change.path} expected ${change.expected} got ${change.received}${candidates}`,
    );
  }
}

// 4. The two-version connector: the first read drifts, the resolver switches to v2, the read is retried once.
const key = await current.call('credential.get', {
  credential: { id: ACME_IDS.key, accountId: ACME_IDS.account },
});
console.log(
  `two-version credential.get → ${key.id} (${key.status}) read with adapter ${current.adapterVersion}`,
);

// 5. What CI learns from the baseline, checking the connector it would ship (v1 only).
console.log('');
const report = await checkContract(baseline, { connector: legacy, exercise: acmeExercise });
process.stdout.write(formatContractReport(report));
