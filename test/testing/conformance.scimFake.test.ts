/**
 * The conformance kit against the SCIM connector and the fake target's SCIM
 * 2.0 mode, with the kit's faults (429, 5xx, outage, breaking change)
 * injected through the fake target's fault schedule.
 */
import { staticCredential } from 'lifeline';
import { scim } from 'lifeline/connectors/scim';
import { createFakeTarget } from 'lifeline/testing';
import { describe, expect, it } from 'vitest';
import {
  type ConnectorFactory,
  checkConnector,
  describeConnector,
  fakeTargetController,
  formatConformanceReport,
} from '../../src/testing/conformance';

const factory: ConnectorFactory = async (env) => {
  const target = await createFakeTarget({
    seed: 8,
    tenants: [{ id: 'acme', tokens: [{ token: env.canary }] }],
  });
  const connector = scim.with(
    { baseUrl: target.scimUrl('acme'), tenant: 'acme' },
    staticCredential(env.canary),
    env.bindOptions,
  );
  return { connector, target: fakeTargetController(target, { tenant: 'acme', api: 'scim' }) };
};

describeConnector('the SCIM connector against the fake target in SCIM mode', factory, {}, { describe, it });

describe('the SCIM conformance report against the fake target', () => {
  it('passes every check SCIM can run and revokes by deleting accounts, applied once', async () => {
    const report = await checkConnector(factory, {});
    const text = formatConformanceReport(report);
    expect(report.target, text).toBe('fake target SCIM 2.0 (tenant acme)');
    expect(report.counts.failed, text).toBe(0);
    expect(Object.fromEntries(report.checks.map((c) => [c.id, c.status])), text).toEqual({
      'connection-test': 'passed',
      'list-complete': 'passed',
      'revoke-idempotent': 'passed',
      'revoke-missing': 'passed',
      'disable-verified': 'passed',
      'retry-after': 'passed',
      'retry-idempotent-5xx': 'passed',
      'no-retry-non-idempotent-5xx': 'passed',
      'breaker-opens': 'passed',
      'drift-fails-closed': 'passed',
      'no-secret-leak': 'passed',
    });
    expect(report.checks.find((c) => c.id === 'revoke-idempotent')?.notes.join(' ')).toMatch(
      /^account .*: revoked, replayed, then already_absent; applied once$/,
    );
  }, 180_000);
});
