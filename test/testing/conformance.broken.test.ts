/**
 * The kit can fail: a connector with a deliberate mistake fails exactly the
 * checks that mistake breaks, with a message that says what to fix, and the
 * canary secret never appears in the report itself.
 */
import { staticCredential } from 'lifeline';
import { createFakeTarget } from 'lifeline/testing';
import { describe, expect, it } from 'vitest';
import {
  type ConformanceCheckId,
  type ConnectorFactory,
  checkConnector,
  fakeTargetController,
  formatConformanceReport,
} from '../../src/testing/conformance';
import { brokenConnector, type Mistakes } from './fixtures/brokenConnector';

function factoryFor(mistakes: Mistakes): ConnectorFactory {
  const connector = brokenConnector(mistakes);
  return async (env) => {
    const target = await createFakeTarget({
      seed: 9,
      tenants: [{ id: 'acme', tokens: [{ token: env.canary }] }],
    });
    return {
      connector: connector.with(
        { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
        staticCredential(env.canary),
        env.bindOptions,
      ),
      target: fakeTargetController(target),
    };
  };
}

async function run(mistakes: Mistakes, only: ConformanceCheckId[]) {
  const report = await checkConnector(factoryFor(mistakes), { only });
  const status = Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
  const message = (id: ConformanceCheckId) => report.checks.find((check) => check.id === id)?.message ?? '';
  return { report, status, message };
}

describe('a connector without mistakes (the control)', () => {
  it('passes the checks the broken variants fail', async () => {
    const { report, status } = await run({}, [
      'revoke-missing',
      'drift-fails-closed',
      'no-secret-leak',
      'retry-after',
    ]);
    expect(status).toEqual({
      'revoke-missing': 'passed',
      'drift-fails-closed': 'passed',
      'no-secret-leak': 'passed',
      'retry-after': 'passed',
    });
    expect(report.passed).toBe(true);
  }, 60_000);
});

describe('a connector that swallows 404 as success', () => {
  it('fails revoke-missing and revoke-idempotent, naming the false success', async () => {
    const { report, status, message } = await run({ swallowNotFound: true }, [
      'revoke-missing',
      'revoke-idempotent',
    ]);
    expect(status).toEqual({ 'revoke-missing': 'failed', 'revoke-idempotent': 'failed' });
    expect(message('revoke-missing')).toMatch(/which never existed, reported revoked/);
    expect(message('revoke-missing')).toMatch(/Throw NotFoundError/);
    expect(message('revoke-idempotent')).toMatch(
      /second revocation .* was revoked, verified: true.*expected already_absent/,
    );
    expect(report.passed).toBe(false);
    expect(formatConformanceReport(report)).toMatch(/FAIL {2}revoke-missing/);
  }, 60_000);
});

describe('a connector that logs its token', () => {
  it('fails no-secret-leak, pointing at the log line without printing the secret', async () => {
    const { report, status, message } = await run({ logToken: true }, ['no-secret-leak']);
    expect(status).toEqual({ 'no-secret-leak': 'failed' });
    expect(message('no-secret-leak')).toMatch(
      /appeared in \d+ log lines \(first: …GET \/version with Bearer \[canary\]/,
    );
    expect(formatConformanceReport(report)).not.toMatch(/llc_/);
  }, 60_000);
});

describe('a connector that puts its token in error messages', () => {
  it('fails no-secret-leak, naming errors (and the audit events and spans the errors reached)', async () => {
    const { status, message } = await run({ tokenInErrors: true }, ['no-secret-leak']);
    expect(status).toEqual({ 'no-secret-leak': 'failed' });
    expect(message('no-secret-leak')).toMatch(/\d+ errors? \(first: /);
    expect(message('no-secret-leak')).not.toMatch(/llc_/);
  }, 60_000);
});

describe('a connector that trusts payloads without validating them', () => {
  it('fails drift-fails-closed: a changed payload must not come back as a result', async () => {
    const { status, message } = await run({ trustPayloads: true }, ['drift-fails-closed']);
    expect(status).toEqual({ 'drift-fails-closed': 'failed' });
    expect(message('drift-fails-closed')).toMatch(
      /account.get returned a result although the target's payload/,
    );
  }, 60_000);
});

describe('a connector bound without resilience', () => {
  it('fails the Retry-After, 5xx retry and breaker checks', async () => {
    const { status, message } = await run({ noResilience: true }, [
      'retry-after',
      'retry-idempotent-5xx',
      'breaker-opens',
    ]);
    expect(status).toEqual({
      'retry-after': 'failed',
      'retry-idempotent-5xx': 'failed',
      'breaker-opens': 'failed',
    });
    expect(message('retry-after')).toMatch(/failed after a 429 with Retry-After: 1 \(rate_limited/);
    expect(message('retry-idempotent-5xx')).toMatch(/failed on a single 503 instead of retrying/);
    expect(message('breaker-opens')).toMatch(/breaker never opened \(last result: transient\)/);
  }, 120_000);
});
