/**
 * Issue 6's telemetry acceptance through the real stack: a lifecycle run
 * against the fake target, exported with the OpenTelemetry SDK.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createLifecycle, createResiliencePolicy, staticCredential } from 'lifeline';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acme } from '../../examples/acme';
import { installOtel } from './otel';

let otel: ReturnType<typeof installOtel>;
let target: FakeTarget;

beforeAll(() => {
  otel = installOtel();
});
afterAll(async () => {
  await otel.uninstall();
});
beforeEach(async () => {
  otel.exporter.reset();
  target = await createFakeTarget({ seed: 11, tenants: [{ id: 'acme', apiVersion: 'v2' }] });
  const account = target.addAccount('acme', { id: 'acc_bot', name: 'bot' });
  target.addKey('acme', account.id, { id: 'key_a' });
});
afterEach(async () => {
  await target.close();
});

const identity = { id: 'bot', kind: 'bot' as const, externalIds: { acme: 'acc_bot' } };
const event = { reason: 'bot retired', actor: { kind: 'system' as const, id: 'hr-feed' } };

function bind(breaker: { volumeThreshold: number } | false) {
  return acme.with(
    { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
    staticCredential(target.token('acme')),
    {
      policy: createResiliencePolicy({
        retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 10 },
        breaker:
          breaker === false ? false : { ...breaker, errorThresholdPercentage: 50, resetTimeout: 60_000 },
        timeout: 2000,
      }),
    },
  );
}

const named = (spans: readonly ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('telemetry of a lifecycle run', () => {
  it('shows run → step → operation spans and retry events for a revocation that retried twice', async () => {
    target.faults.add({ operation: 'key.revoke', times: 2, fault: { kind: 'status', status: 503 } });
    const lifeline = createLifecycle({ connectors: { acme: bind(false) }, verify: { attempts: 1 } });
    const report = await lifeline.offboard({ identity, event });
    expect(report.status).toBe('completed');

    const spans = otel.exporter.getFinishedSpans();
    const [run] = named(spans, 'lifeline.run');
    expect(run?.attributes['lifeline.run.id']).toBe(report.runId);
    const revokeOp = named(spans, 'lifeline.operation').find(
      (s) => s.attributes['lifeline.operation.name'] === 'credential.revoke',
    );
    const step = named(spans, 'lifeline.step').find(
      (s) => s.spanContext().spanId === (revokeOp && parentOf(revokeOp)),
    );
    expect(step?.attributes['lifeline.action']).toBe('credential.revoke');
    expect(step && parentOf(step)).toBe(run?.spanContext().spanId);
    expect(revokeOp?.events.filter((e) => e.name === 'lifeline.retry')).toHaveLength(2);
    expect(revokeOp?.status.code).not.toBe(2);

    const retries = await otel.metric('lifeline.retries');
    const total = retries?.dataPoints.reduce((sum, p) => sum + Number(p.value), 0);
    expect(total).toBeGreaterThanOrEqual(2);
    const revocations = await otel.metric('lifeline.revocations');
    expect(revocations?.dataPoints.some((p) => p.attributes['lifeline.outcome'] === 'revoked')).toBe(true);
  });

  it('marks operations that hit an open breaker as errors of type circuit_open', async () => {
    await target.faults.outage({ mode: 'unavailable', tenant: 'acme' });
    const lifeline = createLifecycle({
      connectors: { acme: bind({ volumeThreshold: 2 }) },
      stepDeadlineMs: 300,
    });
    const report = await lifeline.offboard({ identity, event });
    expect(report.status).toBe('incomplete');

    const operations = named(otel.exporter.getFinishedSpans(), 'lifeline.operation');
    const open = operations.filter((s) => s.attributes['error.type'] === 'circuit_open');
    expect(open.length).toBeGreaterThan(0);
    for (const span of open) expect(span.status.code).toBe(2);
    const breaker = await otel.metric('lifeline.breaker.state');
    expect(breaker?.dataPoints.some((p) => p.value === 2)).toBe(true);
  });
});
