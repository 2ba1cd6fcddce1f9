import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classifyHttp, InvalidInputError, TransientError } from '../../src/errors';
import {
  type AttemptContext,
  BulkheadPolicy,
  createResiliencePolicy,
  type ExecuteOptions,
  type ExecutionPolicy,
  RateLimitPolicy,
  type ResilienceEvent,
  type ResiliencePolicy,
  ResilienceRegistry,
  RetryPolicy,
  wrap,
} from '../../src/resilience';
import { deferred, idempotent, nonIdempotent, observe, scripted, useFakeClock } from './helpers';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const policies: ResiliencePolicy[] = [];
function policy(options: Parameters<typeof createResiliencePolicy>[0] = {}): ResiliencePolicy {
  const p = createResiliencePolicy({ retry: { random: () => 0 }, ...options });
  policies.push(p);
  return p;
}

beforeEach(() => useFakeClock(T0));
afterEach(() => {
  for (const p of policies.splice(0)) p.shutdown();
  vi.useRealTimers();
});

describe('wrap', () => {
  it('runs policies outermost first and hands each attempt on', async () => {
    const order: string[] = [];
    const tracer = (name: string): ExecutionPolicy => ({
      execute: (fn, options) => {
        order.push(`${name}:${options.attempt ?? 1}`);
        return fn({ signal: options.signal, attempt: (options.attempt ?? 1) + 1 });
      },
    });
    const seen: AttemptContext[] = [];
    await wrap(tracer('a'), tracer('b'), tracer('c')).execute(
      async (attempt) => seen.push(attempt),
      idempotent,
    );
    expect(order).toEqual(['a:1', 'b:2', 'c:3']);
    expect(seen).toEqual([{ signal: undefined, attempt: 4 }]);
  });

  it("gives every layer the call's options and the attempt's number, whatever a custom layer hands on", async () => {
    const received: ExecuteOptions[] = [];
    const recorder: ExecutionPolicy = {
      execute: (fn, options) => {
        received.push({ ...options });
        return fn({ signal: options.signal, attempt: options.attempt ?? 1 });
      },
    };
    // A custom layer whose context carries fields of its own: they must not become the call's options.
    const forging: ExecutionPolicy = {
      execute: (fn, options) =>
        fn({ attempt: options.attempt ?? 1, operation: 'forged', idempotent: false } as AttemptContext),
    };
    const attempts = scripted(new TransientError('503'));
    const composed = wrap(
      new RetryPolicy({ retries: 2, random: () => 0 }),
      new BulkheadPolicy({ maxConcurrent: 4 }),
      recorder,
      forging,
      new RateLimitPolicy({ perSecond: 1000 }),
      recorder,
    );
    const done = composed.execute(attempts.fn, { ...idempotent, deadline: T0 + 60_000 });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toBe('done');
    expect(attempts.calls).toHaveLength(2);
    expect(received.map((o) => [o.attempt, o.operation, o.idempotent, o.deadline])).toEqual([
      [1, idempotent.operation, true, T0 + 60_000],
      [1, idempotent.operation, true, T0 + 60_000],
      [2, idempotent.operation, true, T0 + 60_000],
      [2, idempotent.operation, true, T0 + 60_000],
    ]);
  });
});

describe('createResiliencePolicy', () => {
  it('lists every bad field of its options in one invalid_input error', () => {
    try {
      createResiliencePolicy({
        retry: { retries: -1 },
        rateLimit: { perSecond: -5 },
        bulkhead: { maxConcurrent: 0 },
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      const paths = (error as InvalidInputError).issues.map((i) => i.path.join('.'));
      expect(paths).toEqual(
        expect.arrayContaining(['retry.retries', 'rateLimit.perSecond', 'bulkhead.maxConcurrent']),
      );
    }
  });

  it('creates no signal for an attempt when there is no timeout and no caller signal', async () => {
    const p = policy({ timeout: false, rateLimit: { perSecond: 1e6, burst: 1e6 } });
    const seen: AttemptContext[] = [];
    await p.execute(async (attempt) => seen.push(attempt), idempotent);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.signal).toBeUndefined();
    expect(seen[0]?.attempt).toBe(1);
  });

  it('gives each attempt its own signal when a per-attempt timeout applies', async () => {
    const p = policy({ timeout: 1000 });
    const signals: (AbortSignal | undefined)[] = [];
    const { fn } = scripted(new TransientError('503'));
    await p.execute(async (attempt) => {
      signals.push(attempt.signal);
      return fn();
    }, idempotent);
    expect(signals).toHaveLength(2);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]).not.toBe(signals[1]);
  });

  it('retries an attempt that timed out, for an idempotent operation only', async () => {
    const p = policy({ timeout: 1000 });
    let calls = 0;
    const hangOnce = async () => {
      calls++;
      if (calls === 1) return new Promise<string>(() => {});
      return 'ok';
    };
    const result = observe(p.execute(hangOnce, idempotent));
    await vi.advanceTimersByTimeAsync(1000);
    expect(result.value).toBe('ok');

    calls = 0;
    const rotate = observe(p.execute(hangOnce, nonIdempotent));
    await vi.advanceTimersByTimeAsync(1000);
    expect(rotate.error).toMatchObject({ code: 'timeout' });
    expect(calls).toBe(1);
  });

  it('fails fast with circuit_open once an outage opens the breaker, without touching the target', async () => {
    const p = policy({
      retry: { retries: 2, random: () => 0 },
      breaker: { volumeThreshold: 6, resetTimeout: 30_000 },
    });
    const target = vi.fn(async () => {
      throw new TransientError('503');
    });
    await expect(p.execute(target, idempotent)).rejects.toMatchObject({ code: 'transient' });
    await expect(p.execute(target, idempotent)).rejects.toMatchObject({ code: 'transient' });
    expect(target).toHaveBeenCalledTimes(6);
    expect(p.breaker?.state).toBe('open');
    await expect(p.execute(target, idempotent)).rejects.toMatchObject({ code: 'circuit_open' });
    expect(target).toHaveBeenCalledTimes(6);
  });

  it('does not let bulkhead rejections open the breaker, and retries them', async () => {
    const p = policy({
      bulkhead: { maxConcurrent: 1, maxQueue: 0 },
      breaker: { volumeThreshold: 1 },
      retry: { retries: 5, baseDelayMs: 100, random: () => 1 },
    });
    const gate = deferred<string>();
    const first = observe(p.execute(() => gate.promise, idempotent));
    const second = observe(p.execute(async () => 'second', nonIdempotent));
    await vi.advanceTimersByTimeAsync(150);
    expect(second.settled).toBe(false);
    gate.resolve('first');
    await vi.advanceTimersByTimeAsync(200);
    expect(first.value).toBe('first');
    expect(second.value).toBe('second');
    expect(p.breaker?.state).toBe('closed');
  });

  it('opens the breaker in a hanging outage even while the bulkhead turns most callers away', async () => {
    const p = policy({
      retry: false,
      timeout: 100,
      bulkhead: { maxConcurrent: 2, maxQueue: 0 },
      breaker: { volumeThreshold: 2 },
    });
    const hang = vi.fn(() => new Promise<string>(() => {}));
    const calls = Array.from({ length: 50 }, () => observe(p.execute(hang, idempotent)));
    await vi.advanceTimersByTimeAsync(100);
    expect(calls.filter((c) => (c.error as { code?: string }).code === 'transient')).toHaveLength(48);
    expect(p.breaker?.state).toBe('open');
    await expect(p.execute(hang, idempotent)).rejects.toMatchObject({ code: 'circuit_open' });
    expect(hang).toHaveBeenCalledTimes(2);
  });

  it('pauses every caller of the target after a 429 and retries the limited call after its Retry-After', async () => {
    const p = policy({ rateLimit: { perSecond: 100, burst: 100 } });
    const starts: number[] = [];
    let limited = true;
    const target = async () => {
      starts.push(Date.now() - T0);
      if (limited) {
        limited = false;
        throw classifyHttp({ status: 429, headers: { 'retry-after': '2' } });
      }
      return 'ok';
    };
    const a = observe(p.execute(target, idempotent));
    await vi.advanceTimersByTimeAsync(0);
    const b = observe(p.execute(target, idempotent));
    await vi.advanceTimersByTimeAsync(1999);
    expect(starts).toEqual([0]);
    await vi.advanceTimersByTimeAsync(100);
    expect(starts[1]).toBe(2000);
    expect(starts).toHaveLength(3);
    expect([a.value, b.value]).toEqual(['ok', 'ok']);
  });

  it('emits every kind of event to a single subscriber until it is disposed', async () => {
    const p = policy({
      timeout: 500,
      breaker: { volumeThreshold: 1, resetTimeout: 1000 },
      retry: { retries: 1, baseDelayMs: 10, random: () => 1 },
      rateLimit: { perSecond: 1, burst: 1 },
      bulkhead: { maxConcurrent: 1, maxQueue: 0 },
    });
    const kinds: ResilienceEvent['kind'][] = [];
    const subscription = p.subscribe((e) => kinds.push(e.kind));
    const hang = () => new Promise<string>(() => {});
    const first = observe(p.execute(hang, idempotent));
    const rejected = observe(p.execute(hang, { ...idempotent, operation: 'credential.list' }));
    await vi.advanceTimersByTimeAsync(500); // first attempt times out; breaker opens; retry hits circuit_open
    await vi.advanceTimersByTimeAsync(1000); // half-open
    const probe = observe(p.execute(async () => 'ok', idempotent)); // closes the breaker
    await vi.advanceTimersByTimeAsync(0);
    const paced = observe(p.execute(async () => 'ok', idempotent)); // waits for the rate limiter
    await vi.advanceTimersByTimeAsync(2000);
    expect([probe.value, paced.value]).toEqual(['ok', 'ok']);
    expect(first.error).toBeDefined();
    expect(rejected.error).toBeDefined();
    expect(new Set(kinds)).toEqual(
      new Set([
        'bulkheadReject',
        'timeout',
        'breakerOpen',
        'retry',
        'giveUp',
        'breakerHalfOpen',
        'rateLimitWait',
        'breakerClose',
      ]),
    );
    subscription.dispose();
    const count = kinds.length;
    const later = observe(p.execute(() => Promise.reject(new TransientError('x')), idempotent));
    await vi.advanceTimersByTimeAsync(5000);
    expect(later.error).toMatchObject({ code: 'transient' });
    expect(kinds).toHaveLength(count);
  });

  it('reports giving up through the composed policy', async () => {
    const p = policy({ retry: { retries: 1, random: () => 0 } });
    const kinds: string[] = [];
    p.subscribe((e) => kinds.push(e.kind));
    await p.execute(() => Promise.reject(new TransientError('503')), idempotent).catch(() => undefined);
    expect(kinds).toEqual(['retry', 'giveUp']);
  });
});

describe('ResilienceRegistry', () => {
  it('gives one policy per (connector, tenant), created on first use', () => {
    const registry = new ResilienceRegistry({ retry: { retries: 1 } });
    const created: string[] = [];
    registry.onPolicy(({ connector, tenant }) => created.push(`${connector}/${tenant}`));
    const a = registry.get('acme', 't1', { rateLimit: { perSecond: 5 } });
    expect(registry.get('acme', 't1')).toBe(a);
    const b = registry.get('acme', 't2');
    expect(b).not.toBe(a);
    expect(created).toEqual(['acme/t1', 'acme/t2']);
    expect(a.name).toBe('acme/t1');
    expect(a.retry?.options.retries).toBe(1);
    expect(a.rateLimit?.rate).toBe(5);
    expect(b.rateLimit).toBeUndefined();
    registry.shutdown();
    expect(registry.size).toBe(0);
    expect(a.breaker?.isShutdown).toBe(true);
  });

  it('merges per-target options over its defaults field by field, and false switches a layer off', () => {
    const registry = new ResilienceRegistry({
      retry: { retries: 7, baseDelayMs: 50 },
      bulkhead: { maxConcurrent: 3 },
    });
    const p = registry.get('acme', 't1', { retry: { retries: 2 }, bulkhead: false });
    expect(p.retry?.options).toMatchObject({ retries: 2, baseDelayMs: 50 });
    expect(p.bulkhead).toBeUndefined();
    registry.shutdown();
  });

  it('exports every breaker keyed by target and restores one from it', async () => {
    const registry = new ResilienceRegistry({ breaker: { volumeThreshold: 1 }, retry: false });
    const p = registry.get('acme', 't1');
    await p.execute(() => Promise.reject(new TransientError('503')), idempotent).catch(() => undefined);
    const saved = JSON.parse(JSON.stringify(registry));
    expect(saved).toMatchObject({ 'acme/t1': { state: 'open', openedAt: T0 } });
    registry.shutdown();
    const again = new ResilienceRegistry({ retry: false });
    const restored = again.get('acme', 't1', { breaker: { initialState: saved['acme/t1'] } });
    await expect(restored.execute(async () => 'ok', idempotent)).rejects.toMatchObject({
      code: 'circuit_open',
    });
    again.shutdown();
  });
});
