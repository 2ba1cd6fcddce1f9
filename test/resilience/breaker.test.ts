import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AuthFailedError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  SchemaDriftError,
  TimeoutError,
  TransientError,
} from '../../src/errors';
import {
  type BreakerTransitionEvent,
  type CircuitBreakerOptions,
  CircuitBreakerPolicy,
  countsAsBreakerFailure,
} from '../../src/resilience';
import { markLocal } from '../../src/resilience/localRejection';
import { deferred, idempotent, observe, useFakeClock } from './helpers';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const breakers: CircuitBreakerPolicy[] = [];

function breaker(options: CircuitBreakerOptions = {}): CircuitBreakerPolicy {
  const b = new CircuitBreakerPolicy({
    volumeThreshold: 4,
    resetTimeout: 10_000,
    name: 'acme/t1',
    ...options,
  });
  breakers.push(b);
  return b;
}

const fail = (error: unknown) => () => Promise.reject(error);
const ok = () => Promise.resolve('ok');

async function failTimes(
  b: CircuitBreakerPolicy,
  n: number,
  error: () => unknown = () => new TransientError('503'),
) {
  for (let i = 0; i < n; i++) await b.execute(fail(error()), idempotent).catch(() => undefined);
}

beforeEach(() => useFakeClock(T0));
afterEach(() => {
  for (const b of breakers.splice(0)) b.shutdown();
  vi.useRealTimers();
});

describe('CircuitBreakerPolicy', () => {
  it('stays closed below the volume threshold even when every call fails', async () => {
    const b = breaker({ volumeThreshold: 4 });
    await failTimes(b, 3);
    expect(b.state).toBe('closed');
  });

  it('opens once failures pass the threshold, then fails fast without calling the function', async () => {
    const b = breaker();
    await failTimes(b, 4);
    expect(b.state).toBe('open');
    const fn = vi.fn(ok);
    const error = await b.execute(fn, idempotent).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(error).toMatchObject({ code: 'circuit_open', mayHaveReachedServer: false, retryable: false });
    expect((error as Error).message).toContain('acme/t1');
  });

  it('counts timeouts and 429s as failures', async () => {
    const b = breaker();
    await failTimes(b, 2, () => new TimeoutError('slow'));
    await failTimes(b, 2, () => new RateLimitedError('429'));
    expect(b.state).toBe('open');
  });

  it('is not opened by errors that say nothing about the target health', async () => {
    const b = breaker();
    const errors = [
      () => new NotFoundError(),
      () => new InvalidInputError(),
      () => new SchemaDriftError(),
      () => new ConflictError(),
      () => new ForbiddenError(),
      () => new AuthFailedError(),
      () => new TimeoutError('aborted by caller', { retryable: false }),
      () => markLocal(new TransientError('bulkhead full', { mayHaveReachedServer: false })),
      () => new Error('not a lifeline error'),
    ];
    for (const error of errors) await failTimes(b, 5, error);
    expect(b.state).toBe('closed');
    expect(b.toJSON().stats?.failures).toBe(0);
  });

  it('goes open → half-open → closed when the probe succeeds, announcing each transition', async () => {
    const b = breaker();
    const seen: BreakerTransitionEvent[] = [];
    b.onOpen((e) => seen.push(e));
    b.onHalfOpen((e) => seen.push(e));
    b.onClose((e) => seen.push(e));
    await failTimes(b, 4);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(b.state).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(b.state).toBe('halfOpen');
    await expect(b.execute(ok, idempotent)).resolves.toBe('ok');
    expect(b.state).toBe('closed');
    expect(seen.map((e) => [e.previous, e.state, e.at - T0])).toEqual([
      ['closed', 'open', 0],
      ['open', 'halfOpen', 10_000],
      ['halfOpen', 'closed', 10_000],
    ]);
    expect(seen.every((e) => e.name === 'acme/t1')).toBe(true);
  });

  it('lets a single probe through while half-open and reopens when it fails', async () => {
    const b = breaker();
    await failTimes(b, 4);
    await vi.advanceTimersByTimeAsync(10_000);
    const probe = deferred<string>();
    const probeFn = vi.fn(() => probe.promise);
    const first = observe(b.execute(probeFn, idempotent));
    const second = vi.fn(ok);
    await expect(b.execute(second, idempotent)).rejects.toMatchObject({ code: 'circuit_open' });
    expect(second).not.toHaveBeenCalled();
    probe.reject(new TransientError('still down'));
    await vi.advanceTimersByTimeAsync(0);
    expect(first.error).toMatchObject({ code: 'transient' });
    expect(b.state).toBe('open');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(b.state).toBe('halfOpen');
  });

  it('round-trips an open state through toJSON and initialState, keeping the remaining open time', async () => {
    const b = breaker();
    await failTimes(b, 4);
    await vi.advanceTimersByTimeAsync(4_000);
    const saved = JSON.parse(JSON.stringify(b));
    expect(saved).toMatchObject({ state: 'open', openedAt: T0, stats: { failures: 4, fires: 4 } });
    b.shutdown();

    const restored = breaker({ initialState: saved });
    expect(restored.state).toBe('open');
    await expect(restored.execute(ok, idempotent)).rejects.toMatchObject({ code: 'circuit_open' });
    await vi.advanceTimersByTimeAsync(5_999);
    expect(restored.state).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(restored.state).toBe('halfOpen');
    await restored.execute(ok, idempotent);
    expect(restored.toJSON().state).toBe('closed');
  });

  it('restores an open state whose reset time has passed as half-open', () => {
    const restored = breaker({ initialState: { state: 'open', openedAt: T0 - 60_000 } });
    expect(restored.state).toBe('halfOpen');
  });

  it('restores the rolling counters, so recent failures still count', async () => {
    const restored = breaker({
      initialState: {
        state: 'closed',
        stats: { fires: 3, failures: 3, successes: 0, rejects: 0, timeouts: 0 },
      },
    });
    await failTimes(restored, 1);
    expect(restored.state).toBe('open');
  });

  it('fails every call with circuit_open after shutdown', async () => {
    const b = breaker();
    b.shutdown();
    await expect(b.execute(ok, idempotent)).rejects.toMatchObject({
      code: 'circuit_open',
      message: expect.stringContaining('shut down'),
    });
  });

  it('rejects a volume threshold of 0 and other bad options', () => {
    expect(() => new CircuitBreakerPolicy({ volumeThreshold: 0, errorThresholdPercentage: 150 })).toThrow(
      /volumeThreshold[\s\S]*errorThresholdPercentage|errorThresholdPercentage[\s\S]*volumeThreshold/,
    );
  });

  it('classifies failures as counted or not', () => {
    expect(countsAsBreakerFailure(new TransientError())).toBe(true);
    expect(countsAsBreakerFailure(new NotFoundError())).toBe(false);
  });
});
