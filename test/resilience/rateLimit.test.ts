import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classifyHttp } from '../../src/errors';
import { RateLimitPolicy, type RateLimitWaitEvent } from '../../src/resilience';
import { deferred, idempotent, observe, useFakeClock } from './helpers';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const since = (times: number[]) => times.map((t) => t - T0);

function recorder() {
  const starts: number[] = [];
  return {
    starts,
    fn: async () => {
      starts.push(Date.now());
      return 'ok';
    },
  };
}

const tooMany = (seconds: number) =>
  classifyHttp({ status: 429, headers: { 'retry-after': String(seconds) } });

beforeEach(() => useFakeClock(T0));
afterEach(() => vi.useRealTimers());

describe('RateLimitPolicy', () => {
  it('lets a burst through, then paces calls at the configured rate', async () => {
    const limiter = new RateLimitPolicy({ perSecond: 10, burst: 2 });
    const { fn, starts } = recorder();
    for (let i = 0; i < 5; i++) observe(limiter.execute(fn, idempotent));
    await vi.advanceTimersByTimeAsync(1000);
    expect(since(starts)).toEqual([0, 0, 100, 200, 300]);
  });

  it('runs without waiting (no timer) while under the rate', async () => {
    const limiter = new RateLimitPolicy({ perSecond: 1_000_000, burst: 1_000_000 });
    const { fn, starts } = recorder();
    await Promise.all(Array.from({ length: 100 }, () => limiter.execute(fn, idempotent)));
    expect(starts).toHaveLength(100);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('on a 429, halves the rate and pauses every caller for the Retry-After', async () => {
    const limiter = new RateLimitPolicy({ perSecond: 10, burst: 10 });
    const waits: RateLimitWaitEvent[] = [];
    limiter.onWait((e) => waits.push(e));
    const result = observe(limiter.execute(() => Promise.reject(tooMany(3)), idempotent));
    await vi.advanceTimersByTimeAsync(0);
    expect(result.error).toMatchObject({ code: 'rate_limited' });
    expect(limiter.rate).toBe(5);
    expect(limiter.pausedUntil - T0).toBe(3000);

    const { fn, starts } = recorder();
    for (let i = 0; i < 3; i++) observe(limiter.execute(fn, idempotent));
    await vi.advanceTimersByTimeAsync(2999);
    expect(starts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    // The first call after the pause starts alone; the rest are paced at the cut rate (5/s).
    expect(since(starts)).toEqual([3000, 3200, 3400]);
    expect(waits.map((w) => w.reason)).toEqual(['paused', 'paused', 'paused']);
  });

  it('pushes callers that were already waiting behind a new pause', async () => {
    const limiter = new RateLimitPolicy({ perSecond: 1, burst: 1 });
    const { fn, starts } = recorder();
    const inFlight = deferred<string>();
    observe(limiter.execute(() => inFlight.promise, idempotent)); // t=0, the burst
    observe(limiter.execute(fn, idempotent)); // reserved for t=1000
    await vi.advanceTimersByTimeAsync(500);
    inFlight.reject(tooMany(5));
    await vi.advanceTimersByTimeAsync(600);
    expect(starts).toEqual([]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(since(starts)).toEqual([5500]);
  });

  it('cuts the rate once for a volley of 429s from calls already in flight', async () => {
    const limiter = new RateLimitPolicy({ perSecond: 100, burst: 100 });
    await Promise.allSettled(
      Array.from({ length: 20 }, () => limiter.execute(() => Promise.reject(tooMany(1)), idempotent)),
    );
    expect(limiter.rate).toBe(50);
  });

  it('recovers additively while calls succeed, up to the ceiling', async () => {
    const limiter = new RateLimitPolicy({
      perSecond: 100,
      burst: 100,
      recoveryPerSecond: 10,
      minPerSecond: 1,
    });
    await limiter.execute(() => Promise.reject(tooMany(1)), idempotent).catch(() => undefined);
    expect(limiter.rate).toBe(50);
    await vi.advanceTimersByTimeAsync(1000); // the pause; no recovery during it
    await limiter.execute(async () => 'ok', idempotent);
    expect(limiter.rate).toBe(50);
    await vi.advanceTimersByTimeAsync(2000);
    await limiter.execute(async () => 'ok', idempotent);
    expect(limiter.rate).toBe(70);
    await vi.advanceTimersByTimeAsync(1000);
    await limiter.execute(async () => 'ok', idempotent);
    expect(limiter.rate).toBe(80);
    await vi.advanceTimersByTimeAsync(60_000);
    await limiter.execute(async () => 'ok', idempotent);
    expect(limiter.rate).toBe(100);
  });

  it('never cuts below the floor', async () => {
    const limiter = new RateLimitPolicy({ perSecond: 100, minPerSecond: 30 });
    for (let i = 0; i < 5; i++) {
      limiter.penalize(0);
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(limiter.rate).toBe(30);
  });

  it('stops waiting at once when the caller aborts, and gives the slot back', async () => {
    const limiter = new RateLimitPolicy({ perSecond: 1, burst: 1 });
    const { fn, starts } = recorder();
    await limiter.execute(fn, idempotent); // uses the burst
    const controller = new AbortController();
    const waiting = observe(limiter.execute(fn, { ...idempotent, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.error).toMatchObject({ code: 'timeout', retryable: false });
    expect(vi.getTimerCount()).toBe(0);
    const next = observe(limiter.execute(fn, idempotent));
    await vi.advanceTimersByTimeAsync(900);
    expect(next.value).toBe('ok');
    expect(since(starts)).toEqual([0, 1000]);
  });

  it('rejects a missing or non-positive rate', () => {
    expect(() => new RateLimitPolicy({ perSecond: 0 })).toThrow(/perSecond/);
  });
});
