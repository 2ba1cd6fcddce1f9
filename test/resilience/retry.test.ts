import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  classifyHttp,
  classifyNetworkError,
  isLifelineError,
  NotFoundError,
  TimeoutError,
  TransientError,
} from '../../src/errors';
import { type GiveUpEvent, type RetryEvent, RetryPolicy } from '../../src/resilience';
import { idempotent, nonIdempotent, observe, scripted, useFakeClock } from './helpers';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const refused = () =>
  classifyNetworkError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
const reset = () => classifyNetworkError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

beforeEach(() => useFakeClock(T0));
afterEach(() => vi.useRealTimers());

describe('RetryPolicy backoff', () => {
  it('draws each wait uniformly below an exponential cap (full jitter)', () => {
    const low = new RetryPolicy({ baseDelayMs: 100, factor: 2, maxDelayMs: 1000, random: () => 0 });
    const high = new RetryPolicy({ baseDelayMs: 100, factor: 2, maxDelayMs: 1000, random: () => 0.999 });
    expect([1, 2, 3, 4, 5].map((n) => low.backoff(n))).toEqual([0, 0, 0, 0, 0]);
    expect([1, 2, 3, 4, 5].map((n) => high.backoff(n))).toEqual([99.9, 199.8, 399.6, 799.2, 999]);
  });

  it('waits the jittered delay between attempts and not a millisecond less', async () => {
    const retry = new RetryPolicy({ retries: 3, baseDelayMs: 100, random: () => 0.5 });
    const { fn, calls } = scripted(
      new TransientError('503'),
      new TransientError('503'),
      new TransientError('503'),
    );
    const result = observe(retry.execute(fn, idempotent));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(49);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(100 + 200);
    expect(calls.map((t) => t - T0)).toEqual([0, 50, 150, 350]);
    expect(result.value).toBe('done');
  });

  it('gives up after the configured number of retries with the last error', async () => {
    const retry = new RetryPolicy({ retries: 2, baseDelayMs: 10, random: () => 1 });
    const giveUps: GiveUpEvent[] = [];
    retry.onGiveUp((e) => giveUps.push(e));
    const { fn, calls } = scripted(new TransientError('a'), new TransientError('b'), new TransientError('c'));
    const result = observe(retry.execute(fn, idempotent));
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(3);
    expect((result.error as Error).message).toBe('c');
    expect(giveUps).toMatchObject([{ reason: 'attempts', attempts: 3, operation: 'credential.revoke' }]);
  });

  it('returns a non-retryable error at once', async () => {
    const retry = new RetryPolicy({ random: () => 0 });
    const { fn, calls } = scripted(new NotFoundError('gone'));
    await expect(retry.execute(fn, idempotent)).rejects.toMatchObject({ code: 'not_found' });
    expect(calls).toHaveLength(1);
  });

  it('classifies what the function throws before deciding (a refused connection is retried)', async () => {
    const retry = new RetryPolicy({ random: () => 0 });
    const { fn, calls } = scripted(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    await expect(retry.execute(fn, idempotent)).resolves.toBe('done');
    expect(calls).toHaveLength(2);
  });
});

describe('RetryPolicy and Retry-After', () => {
  it('waits at least the Retry-After seconds of a 429', async () => {
    const error = classifyHttp({ status: 429, headers: { 'retry-after': '3' } });
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 3000 });
    const retry = new RetryPolicy({ baseDelayMs: 100, random: () => 0.5 });
    const { fn, calls } = scripted(error);
    const result = observe(retry.execute(fn, idempotent));
    await vi.advanceTimersByTimeAsync(2999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    expect(result.value).toBe('done');
  });

  it('waits until the HTTP-date of a Retry-After', async () => {
    const at = new Date(T0 + 7000).toUTCString();
    const error = classifyHttp({ status: 429, headers: new Headers({ 'Retry-After': at }) });
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 7000 });
    const retry = new RetryPolicy({ random: () => 0 });
    const { fn, calls } = scripted(error);
    const result = observe(retry.execute(fn, idempotent));
    await vi.advanceTimersByTimeAsync(6999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((t) => t - T0)).toEqual([0, 7000]);
    expect(result.value).toBe('done');
  });

  it('honours the Retry-After of a 503 too', async () => {
    const error = classifyHttp({ status: 503, headers: { 'retry-after': '2' } });
    const retry = new RetryPolicy({ random: () => 0 });
    const { fn, calls } = scripted(error);
    observe(retry.execute(fn, idempotent));
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls.map((t) => t - T0)).toEqual([0, 2000]);
  });

  it('keeps the jittered backoff when it is longer than the Retry-After', async () => {
    const retry = new RetryPolicy({ baseDelayMs: 10_000, random: () => 0.5 });
    const { fn, calls } = scripted(classifyHttp({ status: 429, headers: { 'retry-after': '1' } }));
    observe(retry.execute(fn, idempotent));
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.map((t) => t - T0)).toEqual([0, 5000]);
  });

  it('gives up at once when the Retry-After ends past the total deadline', async () => {
    const retry = new RetryPolicy({ maxElapsedMs: 10_000, random: () => 0 });
    const giveUps: GiveUpEvent[] = [];
    retry.onGiveUp((e) => giveUps.push(e));
    const { fn, calls } = scripted(classifyHttp({ status: 429, headers: { 'retry-after': '60' } }));
    const result = observe(retry.execute(fn, idempotent));
    await vi.advanceTimersByTimeAsync(0);
    expect(result.error).toMatchObject({ code: 'rate_limited' });
    expect(calls).toHaveLength(1);
    expect(giveUps).toMatchObject([{ reason: 'deadline' }]);
  });

  it("stops at the caller's deadline when it is sooner than its own", async () => {
    const retry = new RetryPolicy({ baseDelayMs: 1000, random: () => 1 });
    const { fn, calls } = scripted(new TransientError('1'), new TransientError('2'), new TransientError('3'));
    const result = observe(retry.execute(fn, { ...idempotent, deadline: T0 + 2500 }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.map((t) => t - T0)).toEqual([0, 1000]);
    expect((result.error as Error).message).toBe('2');
  });
});

describe('RetryPolicy and non-idempotent operations', () => {
  it('does not retry after an error that may have reached the target', async () => {
    for (const error of [reset(), new TimeoutError('slow'), new TransientError('503')]) {
      const retry = new RetryPolicy({ random: () => 0 });
      const giveUps: GiveUpEvent[] = [];
      retry.onGiveUp((e) => giveUps.push(e));
      const { fn, calls } = scripted(error);
      await expect(retry.execute(fn, nonIdempotent)).rejects.toBe(error);
      expect(calls).toHaveLength(1);
      expect(giveUps).toMatchObject([{ reason: 'not_idempotent' }]);
    }
  });

  it('retries when the request provably never left (connection refused)', async () => {
    const retry = new RetryPolicy({ random: () => 0 });
    const error = refused();
    expect(error.mayHaveReachedServer).toBe(false);
    const { fn, calls } = scripted(error, refused());
    await expect(retry.execute(fn, nonIdempotent)).resolves.toBe('done');
    expect(calls).toHaveLength(3);
  });

  it('still retries the same reset for an idempotent operation', async () => {
    const retry = new RetryPolicy({ random: () => 0 });
    const { fn, calls } = scripted(reset());
    await expect(retry.execute(fn, idempotent)).resolves.toBe('done');
    expect(calls).toHaveLength(2);
  });
});

describe('RetryPolicy and abort', () => {
  it('cancels a pending backoff wait at once when the caller aborts', async () => {
    const retry = new RetryPolicy({ baseDelayMs: 60_000, random: () => 1 });
    const controller = new AbortController();
    const { fn, calls } = scripted(new TransientError('503'));
    const result = observe(retry.execute(fn, { ...idempotent, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(result.settled).toBe(false);
    controller.abort();
    await Promise.resolve();
    await Promise.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(result.settled).toBe(true);
    expect(Date.now() - T0).toBe(1000);
    expect(isLifelineError(result.error, 'timeout')).toBe(true);
    expect(result.error).toMatchObject({ retryable: false });
    expect((result.error as Error).cause).toMatchObject({ code: 'transient' });
    expect(calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not start when the signal is already aborted', async () => {
    const retry = new RetryPolicy();
    const { fn, calls } = scripted();
    await expect(retry.execute(fn, { ...idempotent, signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'timeout',
    });
    expect(calls).toHaveLength(0);
  });
});

describe('RetryPolicy events and options', () => {
  it('announces each retry and stops once the subscription is disposed', async () => {
    const retry = new RetryPolicy({ baseDelayMs: 100, random: () => 1 });
    const seen: RetryEvent[] = [];
    const subscription = retry.onRetry((e) => seen.push(e));
    const first = scripted(new TransientError('503'));
    observe(retry.execute(first.fn, idempotent));
    await vi.advanceTimersByTimeAsync(100);
    expect(seen).toMatchObject([
      { operation: 'credential.revoke', attempt: 1, delayMs: 100, error: { code: 'transient' } },
    ]);
    subscription.dispose();
    const second = scripted(new TransientError('503'));
    observe(retry.execute(second.fn, idempotent));
    await vi.advanceTimersByTimeAsync(100);
    expect(second.calls).toHaveLength(2);
    expect(seen).toHaveLength(1);
  });

  it('rejects bad options with an invalid_input error naming each field', () => {
    try {
      new RetryPolicy({ retries: -1, factor: 0 });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_input' });
      const paths = (error as { issues: { path: string[] }[] }).issues.map((i) => i.path.join('.'));
      expect(paths).toEqual(expect.arrayContaining(['retries', 'factor']));
    }
  });
});
