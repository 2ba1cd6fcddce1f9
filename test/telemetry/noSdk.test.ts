/**
 * Telemetry without an SDK costs nothing, and an SDK registered later is used
 * at once: `withSpan` hands out a non-recording span without touching the
 * tracer or the active context while no provider is registered, metrics skip
 * their work while the meter provider is the no-op one, and both switch on as
 * soon as providers are registered.
 */
import { context, createContextKey, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { metricsActive, recordRevocation, tracingActive, withSpan } from 'lifeline';
import { afterEach, describe, expect, it } from 'vitest';
import { installOtel } from './otel';

let otel: ReturnType<typeof installOtel> | undefined;
afterEach(async () => {
  await otel?.uninstall();
  otel = undefined;
});

describe('telemetry with no SDK registered', () => {
  it('runs the function with a non-recording span and the parent context, without the tracer', async () => {
    expect(tracingActive(ROOT_CONTEXT)).toBe(false);
    expect(metricsActive()).toBe(false);
    const getTracer = trace.getTracerProvider().getTracer;
    let tracerCalls = 0;
    const provider = trace.getTracerProvider() as { getTracer: typeof getTracer };
    provider.getTracer = (...args) => {
      tracerCalls++;
      return getTracer.apply(trace.getTracerProvider(), args);
    };
    try {
      const key = createContextKey('test');
      const parent = ROOT_CONTEXT.setValue(key, 'mine');
      const seen = await withSpan(
        'lifeline.test',
        (span, ctx) => ({
          recording: span.isRecording(),
          value: ctx.getValue(key),
          valid: span.spanContext().traceId,
        }),
        {
          parent,
          attributes: () => {
            throw new Error('attributes are not built without an SDK');
          },
        },
      );
      expect(seen).toEqual({ recording: false, value: 'mine', valid: '00000000000000000000000000000000' });
      expect(tracerCalls).toBe(0);
      await expect(withSpan('lifeline.test', () => Promise.reject(new Error('boom')))).rejects.toThrow(
        'boom',
      );
      recordRevocation('revoked', { connector: 'acme', action: 'credential.revoke' });
    } finally {
      provider.getTracer = getTracer;
    }
  });

  it('records spans and metrics as soon as an SDK is registered', async () => {
    otel = installOtel();
    expect(tracingActive(context.active())).toBe(true);
    expect(metricsActive()).toBe(true);
    await withSpan('lifeline.test', async (span) => {
      expect(span.isRecording()).toBe(true);
    });
    expect(otel.exporter.getFinishedSpans().map((s) => s.name)).toEqual(['lifeline.test']);
    recordRevocation('revoked', { connector: 'acme', action: 'credential.revoke', verified: true });
    expect(JSON.stringify(await otel.metric('lifeline.revocations'))).toContain('revoked');
  });

  it('keeps a propagated parent span without an SDK (the child inherits its trace)', async () => {
    const parentContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    };
    const parent = trace.setSpanContext(ROOT_CONTEXT, parentContext);
    expect(tracingActive(parent)).toBe(true);
    const traceId = await withSpan('lifeline.test', (span) => span.spanContext().traceId, { parent });
    expect(traceId).toBe(parentContext.traceId);
  });
});
