import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type AuditEvent,
  type AuditSink,
  callbackSink,
  createAuditEmitter,
  type DeadLetterInfo,
} from '../../src/audit';
import { revokedStep, until } from './fixtures';

function collector(name = 'dead-letter') {
  const events: AuditEvent[] = [];
  const infos: DeadLetterInfo[] = [];
  const sink: AuditSink = {
    name,
    write(batch, context) {
      events.push(...batch);
      if (context.deadLetter) infos.push(context.deadLetter);
    },
  };
  return { sink, events, infos };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createAuditEmitter', () => {
  it('fills id, time, sequence, schema version and source, and delivers in order', async () => {
    const seen = collector('seen');
    const audit = createAuditEmitter({ sinks: [seen.sink] });
    const first = audit.emit(revokedStep());
    const second = audit.emit(revokedStep({ stepId: 'step-2' }));
    await audit.flush();
    expect(first).toMatchObject({ schemaVersion: 1, sequence: 0, source: { product: 'lifeline' } });
    expect(second?.sequence).toBe(1);
    expect(first?.id).not.toBe(second?.id);
    expect(seen.events.map((e) => e.sequence)).toEqual([0, 1]);
    expect(audit.stats()).toMatchObject({ emitted: 2, dropped: 0, sinks: { seen: { delivered: 2 } } });
    await audit.close();
  });

  it('rejects an invalid event without throwing, counts it and reports the field paths', () => {
    const audit = createAuditEmitter({ sinks: [] });
    const problems: unknown[] = [];
    audit.onProblem((problem) => problems.push(problem));
    const result = audit.emit(revokedStep({ outcome: undefined }));
    expect(result).toBeUndefined();
    expect(audit.stats().rejected).toBe(1);
    expect(problems).toEqual([
      {
        kind: 'rejected',
        issues: [
          expect.objectContaining({ path: ['outcome'], message: 'is required for step.completed events' }),
        ],
      },
    ]);
  });

  it('requires an error code on a failed step', () => {
    const audit = createAuditEmitter({ sinks: [] });
    expect(
      audit.emit(revokedStep({ type: 'step.failed', outcome: { status: 'failed', verified: false } })),
    ).toBeUndefined();
    expect(
      audit.emit(
        revokedStep({
          type: 'step.failed',
          outcome: { status: 'failed', verified: false },
          error: { code: 'rate_limited', message: 'slow down' },
        }),
      ),
    ).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('rejects options that are not valid, naming the field', () => {
    expect(() => createAuditEmitter({ sinks: [], queueSize: 0 })).toThrowError(
      expect.objectContaining({
        code: 'invalid_input',
        issues: [expect.objectContaining({ path: ['queueSize'] })],
      }),
    );
  });

  it('retries a throwing sink with backoff, then sends its events to the dead-letter sink', async () => {
    vi.useFakeTimers();
    const dead = collector();
    let calls = 0;
    const failing = callbackSink(
      () => {
        calls++;
        throw new Error('disk full');
      },
      { name: 'failing' },
    );
    const audit = createAuditEmitter({
      sinks: [failing],
      deadLetter: dead.sink,
      retry: { retries: 2, minDelayMs: 1000 },
    });
    const event = audit.emit(revokedStep());
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(400);
    expect(calls).toBe(1); // still backing off (jittered delay is at least 500 ms)
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(3);
    expect(dead.events.map((e) => e.id)).toEqual([event?.id]);
    expect(dead.infos).toEqual([{ sink: 'failing', reason: 'failed', errorCode: 'permanent' }]);
    expect(audit.stats()).toMatchObject({
      deadLettered: 1,
      dropped: 0,
      sinks: { failing: { failedAttempts: 3, retries: 2, deadLettered: 1 } },
    });
  });

  it('times out a hanging sink, dead-letters its events, and emit stays fast', async () => {
    vi.useFakeTimers();
    const dead = collector();
    let aborted = 0;
    const hanging: AuditSink = {
      name: 'hanging',
      write: (_events, { signal }) =>
        new Promise<void>(() => {
          signal.addEventListener('abort', () => aborted++);
        }),
    };
    const healthy = collector('healthy');
    const audit = createAuditEmitter({
      sinks: [hanging, healthy.sink],
      deadLetter: dead.sink,
      deliveryTimeoutMs: 1_000,
      retry: { retries: 1, minDelayMs: 10 },
      queueSize: 100,
      deadLetterQueueSize: 2_000,
    });
    let emitting = 0;
    for (let round = 0; round < 20; round++) {
      const started = performance.now();
      for (let i = 0; i < 50; i++) audit.emit(revokedStep({ stepId: `s${round}-${i}` }));
      emitting += performance.now() - started;
      await vi.advanceTimersByTimeAsync(1);
    }
    // 1,000 emits; a blocking emit would have waited for the 1 s delivery timeout each time.
    expect(emitting).toBeLessThan(2_000);
    expect(healthy.events).toHaveLength(1_000); // the healthy sink is not held back
    // The hanging sink's queue (100) overflowed: the rest went straight to the dead letter.
    expect(dead.events.length).toBeGreaterThanOrEqual(800);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(aborted).toBeGreaterThanOrEqual(2);
    expect(dead.events).toHaveLength(1_000);
    expect(new Set(dead.infos.map((info) => info.sink))).toEqual(new Set(['hanging']));
    expect(dead.infos).toContainEqual({ sink: 'hanging', reason: 'overflow' });
    expect(dead.infos).toContainEqual({ sink: 'hanging', reason: 'timeout', errorCode: 'timeout' });
    expect(audit.stats().dropped).toBe(0);
  });

  it('counts and reports events that reach neither their sink nor a dead-letter sink', async () => {
    vi.useFakeTimers();
    const failing = callbackSink(
      () => {
        throw new Error('nope');
      },
      { name: 'failing' },
    );
    const audit = createAuditEmitter({ sinks: [failing], retry: { retries: 0 } });
    const problems: { kind: string }[] = [];
    audit.onProblem((p) => problems.push(p));
    audit.emit(revokedStep());
    await vi.advanceTimersByTimeAsync(10);
    expect(audit.stats().dropped).toBe(1);
    expect(problems.map((p) => p.kind)).toEqual(['sink_failed', 'dropped']);
  });

  it('on close stops waiting between retries and hands pending events to the dead letter', async () => {
    const dead = collector();
    const failing = callbackSink(
      () => {
        throw new Error('down');
      },
      { name: 'failing' },
    );
    const audit = createAuditEmitter({
      sinks: [failing],
      deadLetter: dead.sink,
      retry: { retries: 10, minDelayMs: 60_000 },
    });
    audit.emit(revokedStep());
    audit.emit(revokedStep());
    await until(() => audit.stats().sinks.failing?.failedAttempts === 1);
    const started = performance.now();
    await audit.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(dead.events).toHaveLength(2);
    expect(audit.emit(revokedStep())).toBeUndefined();
    expect(audit.stats().dropped).toBe(1);
  });

  it('gives up queued events at the close deadline when a sink hangs', async () => {
    const dead = collector();
    const hanging: AuditSink = { name: 'hanging', write: () => new Promise<void>(() => {}) };
    const audit = createAuditEmitter({
      sinks: [hanging],
      deadLetter: dead.sink,
      closeTimeoutMs: 50,
      deliveryTimeoutMs: 60_000,
    });
    for (let i = 0; i < 5; i++) audit.emit(revokedStep());
    await audit.close();
    expect(dead.events).toHaveLength(5);
    expect(audit.stats().dropped).toBe(0);
  });
});
