/**
 * The conformance kit against the Acme example connector and the fake target:
 * every check Acme has the capabilities for passes.
 */
import { staticCredential } from 'lifeline';
import { createFakeTarget } from 'lifeline/testing';
import { describe, expect, it } from 'vitest';
import { acme } from '../../examples/acme';
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
  const connector = acme.with(
    { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
    staticCredential(env.canary),
    env.bindOptions,
  );
  return { connector, target: fakeTargetController(target, { tenant: 'acme' }) };
};

describeConnector('the Acme connector against the fake target', factory, {}, { describe, it });

describe('the conformance report for Acme', () => {
  it('lists every selected check with its status, and skips the non-idempotent retry check by capability', async () => {
    const report = await checkConnector(factory, {
      only: ['connection-test', 'revoke-missing', 'no-retry-non-idempotent-5xx'],
    });
    expect(report.connector).toEqual({ id: 'acme', version: '1.0.0' });
    expect(report.target).toMatch(/^fake target/);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['connection-test', 'passed'],
      ['revoke-missing', 'passed'],
      ['no-retry-non-idempotent-5xx', 'skipped'],
    ]);
    expect(report.passed).toBe(true);
    expect(report.counts).toEqual({ passed: 2, failed: 0, skipped: 1 });
    const text = formatConformanceReport(report);
    expect(text).toContain('SKIP  no-retry-non-idempotent-5xx');
    expect(text).toContain('needs a non-idempotent operation');
    expect(text).toMatch(/PASSED: 2 passed, 0 failed, 1 skipped by capability/);
  }, 60_000);
});
