import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CircuitOpenError, TransientError } from '../../src/errors';
import {
  ATTR,
  instrumentOperation,
  METRICS,
  recordAdapterSwitch,
  recordBreakerTransition,
  recordRateLimitWait,
  recordRetry,
  recordRevocation,
  SPAN_EVENTS,
  SPAN_NAMES,
  withSpan,
} from '../../src/telemetry';
import { VERSION } from '../../src/version';
import { installOtel } from './otel';

let otel: ReturnType<typeof installOtel>;
beforeEach(() => {
  otel = installOtel();
});
afterEach(async () => {
  await otel.uninstall();
});

const op = {
  connector: 'acme',
  operation: 'credential.revoke',
  tenant: 't1',
  objectKind: 'credential',
  objectId: 'k_1',
};

async function revokeWithRetries(failures: number) {
  let attempt = 0;
  return instrumentOperation(op, async () => {
    for (;;) {
      attempt++;
      try {
        if (attempt <= failures) throw new TransientError('503 from target');
        return 'ok';
      } catch (error) {
        recordRetry({ ...op, attempt, delayMs: 200, error });
      }
    }
  });
}

describe('telemetry helpers', () => {
  it('record the span tree of a revocation that retried twice and succeeded', async () => {
    await withSpan(
      SPAN_NAMES.run,
      () =>
        withSpan(
          SPAN_NAMES.step,
          async () => {
            await revokeWithRetries(2);
            recordRevocation('revoked', { connector: 'acme', action: 'credential.revoke', verified: true });
          },
          { attributes: { [ATTR.stepId]: 'step-1', [ATTR.action]: 'credential.revoke' } },
        ),
      { attributes: () => ({ [ATTR.runId]: 'run-1', [ATTR.lifecycleEventType]: 'leaver' }) },
    );
    const spans = otel.exporter.getFinishedSpans();
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    const run = byName[SPAN_NAMES.run];
    const step = byName[SPAN_NAMES.step];
    const operation = byName[SPAN_NAMES.operation];
    expect(run?.instrumentationScope).toMatchObject({ name: 'lifeline', version: VERSION });
    expect(step?.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);
    expect(operation?.parentSpanContext?.spanId).toBe(step?.spanContext().spanId);
    expect(run?.attributes).toMatchObject({ 'lifeline.run.id': 'run-1' });
    expect(operation?.attributes).toMatchObject({
      'lifeline.connector.id': 'acme',
      'lifeline.operation.name': 'credential.revoke',
    });
    expect(
      operation?.events.map((e) => [e.name, e.attributes?.[ATTR.attempt], e.attributes?.[ATTR.errorType]]),
    ).toEqual([
      [SPAN_EVENTS.retry, 1, 'transient'],
      [SPAN_EVENTS.retry, 2, 'transient'],
    ]);
    expect(operation?.status.code).toBe(SpanStatusCode.UNSET);

    const retries = await otel.metric(METRICS.retries.name);
    expect(retries?.dataPoints.reduce((sum, p) => sum + (p.value as number), 0)).toBe(2);
    const duration = await otel.metric(METRICS.operationDuration.name);
    expect(duration?.descriptor).toMatchObject({
      unit: 's',
      description: METRICS.operationDuration.description,
    });
    expect(duration?.dataPoints[0]?.value).toMatchObject({ count: 1 });
    const revocations = await otel.metric(METRICS.revocations.name);
    expect(revocations?.dataPoints).toEqual([
      expect.objectContaining({
        value: 1,
        attributes: expect.objectContaining({ 'lifeline.outcome': 'revoked' }),
      }),
    ]);
  });

  it('mark the span of a revocation that hit an open breaker as failed with error.type circuit_open', async () => {
    await withSpan(SPAN_NAMES.step, async () => {
      recordBreakerTransition({ connector: 'acme', from: 'closed', to: 'open' });
      await expect(
        instrumentOperation(op, async () => {
          throw new CircuitOpenError();
        }),
      ).rejects.toBeInstanceOf(CircuitOpenError);
      recordRevocation('failed', { connector: 'acme', action: 'credential.revoke', verified: false });
    });
    const spans = otel.exporter.getFinishedSpans();
    const operation = spans.find((s) => s.name === SPAN_NAMES.operation);
    const step = spans.find((s) => s.name === SPAN_NAMES.step);
    expect(operation?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: expect.stringContaining('circuit breaker'),
    });
    expect(operation?.attributes[ATTR.errorType]).toBe('circuit_open');
    expect(operation?.events.map((e) => e.name)).toContain(SPAN_EVENTS.exception);
    expect(step?.events.map((e) => [e.name, e.attributes?.[ATTR.breakerState]])).toEqual([
      [SPAN_EVENTS.breakerTransition, 'open'],
    ]);
    const breaker = await otel.metric(METRICS.breakerState.name);
    expect(breaker?.dataPoints[0]?.value).toBe(2);
    const duration = await otel.metric(METRICS.operationDuration.name);
    expect(duration?.dataPoints[0]?.attributes).toMatchObject({ 'error.type': 'circuit_open' });
    const revocations = await otel.metric(METRICS.revocations.name);
    expect(revocations?.dataPoints[0]?.attributes).toMatchObject({ 'lifeline.outcome': 'failed' });
  });

  it('record rate-limit waits and adapter switches as span events', async () => {
    await withSpan(SPAN_NAMES.operation, async () => {
      recordRateLimitWait(1500);
      recordAdapterSwitch('2024-06', '2023-01');
    });
    const [span] = otel.exporter.getFinishedSpans();
    expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
      [SPAN_EVENTS.rateLimitWait, { [ATTR.rateLimitWait]: 1.5 }],
      [SPAN_EVENTS.adapterSwitch, { [ATTR.adapterFrom]: '2024-06', [ATTR.adapterTo]: '2023-01' }],
    ]);
  });

  it('pass attributes and error messages through the redactor', async () => {
    await expect(
      withSpan(
        'x',
        async () => {
          throw new Error('target said: Bearer abcdefghijklmnopqrstuvwx');
        },
        {
          attributes: { note: 'key ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789', apiKey: 'plain-secret-value' },
        },
      ),
    ).rejects.toThrow();
    const [span] = otel.exporter.getFinishedSpans();
    const dump = JSON.stringify({ attributes: span?.attributes, status: span?.status, events: span?.events });
    expect(dump).not.toContain('ghp_aBcDeF');
    expect(dump).not.toContain('abcdefghijklmnopqrstuvwx');
    expect(dump).not.toContain('plain-secret-value');
    expect(span?.attributes.note).toBe('key [redacted:key]');
  });

  it('do not build attributes when no SDK is registered', async () => {
    await otel.uninstall();
    let built = 0;
    const result = await withSpan('noop', async () => 42, {
      attributes: () => {
        built++;
        return {};
      },
    });
    expect(result).toBe(42);
    expect(built).toBe(0);
    otel = installOtel();
  });
});
