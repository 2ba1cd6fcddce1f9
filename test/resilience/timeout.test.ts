import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AttemptContext, type TimeoutEvent, TimeoutPolicy } from '../../src/resilience';
import { idempotent, observe, useFakeClock } from './helpers';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

describe('TimeoutPolicy', () => {
  it("aborts the attempt's signal and rejects with a retryable timeout when time runs out", async () => {
    const timeout = new TimeoutPolicy({ ms: 1000 });
    const events: TimeoutEvent[] = [];
    timeout.onTimeout((e) => events.push(e));
    let seen: AbortSignal | undefined;
    const result = observe(
      timeout.execute(
        ({ signal }: AttemptContext) => {
          seen = signal;
          return new Promise<string>(() => {}); // ignores its signal
        },
        { ...idempotent, attempt: 2 },
      ),
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(seen?.aborted).toBe(false);
    expect(result.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(result.error);
    expect(result.error).toMatchObject({ code: 'timeout', retryable: true, mayHaveReachedServer: true });
    expect(events).toEqual([{ operation: 'credential.revoke', attempt: 2, timeoutMs: 1000 }]);
  });

  it('clears its timer as soon as the attempt settles', async () => {
    const timeout = new TimeoutPolicy({ ms: 1000 });
    await expect(timeout.execute(async () => 'fast', idempotent)).resolves.toBe('fast');
    expect(vi.getTimerCount()).toBe(0);
  });

  it("forwards the caller's abort to the attempt and rejects at once", async () => {
    const timeout = new TimeoutPolicy({ ms: 60_000 });
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const result = observe(
      timeout.execute(
        ({ signal }) => {
          seen = signal;
          return new Promise<string>(() => {});
        },
        { ...idempotent, signal: controller.signal },
      ),
    );
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen?.aborted).toBe(true);
    expect(result.error).toMatchObject({ code: 'timeout', retryable: false });
    expect(vi.getTimerCount()).toBe(0);
  });
});
