import { describe, expect, it, vi } from 'vitest';
import { BulkheadPolicy, type BulkheadRejectEvent, countsAsBreakerFailure } from '../../src/resilience';
import { deferred, idempotent, observe } from './helpers';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('BulkheadPolicy', () => {
  it('runs at most maxConcurrent calls at once and starts queued calls in order', async () => {
    const bulkhead = new BulkheadPolicy({ maxConcurrent: 2, maxQueue: 10 });
    const gates = Array.from({ length: 4 }, () => deferred<string>());
    const started: number[] = [];
    const results = gates.map((gate, i) =>
      observe(
        bulkhead.execute(() => {
          started.push(i);
          return gate.promise;
        }, idempotent),
      ),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect([bulkhead.active, bulkhead.queued]).toEqual([2, 2]);
    gates[1]?.resolve('b');
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.reject(new Error('x'));
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]?.resolve('c');
    gates[3]?.resolve('d');
    await tick();
    expect(results.map((r) => r.value ?? (r.error as Error).message)).toEqual(['x', 'b', 'c', 'd']);
    expect([bulkhead.active, bulkhead.queued]).toEqual([0, 0]);
  });

  it('rejects a call at a full queue with a transient error that never reached the target', async () => {
    const bulkhead = new BulkheadPolicy({ maxConcurrent: 1, maxQueue: 1 });
    const rejects: BulkheadRejectEvent[] = [];
    bulkhead.onReject((e) => rejects.push(e));
    const gate = deferred<string>();
    observe(bulkhead.execute(() => gate.promise, idempotent));
    observe(bulkhead.execute(() => gate.promise, idempotent));
    const fn = vi.fn(async () => 'never');
    const error = await bulkhead.execute(fn, idempotent).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(error).toMatchObject({ code: 'transient', retryable: true, mayHaveReachedServer: false });
    expect(countsAsBreakerFailure(error)).toBe(false);
    expect(rejects).toEqual([{ operation: 'credential.revoke', active: 1, queued: 1 }]);
    gate.resolve('done');
  });

  it('drops an aborted waiter from the queue at once', async () => {
    const bulkhead = new BulkheadPolicy({ maxConcurrent: 1, maxQueue: 5 });
    const gate = deferred<string>();
    observe(bulkhead.execute(() => gate.promise, idempotent));
    const controller = new AbortController();
    const abandoned = vi.fn(async () => 'abandoned');
    const waiting = observe(bulkhead.execute(abandoned, { ...idempotent, signal: controller.signal }));
    const next = vi.fn(async () => 'next');
    const after = observe(bulkhead.execute(next, idempotent));
    expect(bulkhead.queued).toBe(2);
    controller.abort();
    expect(bulkhead.queued).toBe(1);
    await tick();
    expect(waiting.error).toMatchObject({ code: 'timeout' });
    expect(countsAsBreakerFailure(waiting.error)).toBe(false);
    gate.resolve('first');
    await tick();
    expect(abandoned).not.toHaveBeenCalled();
    expect(after.value).toBe('next');
    expect([bulkhead.active, bulkhead.queued]).toEqual([0, 0]);
  });

  it('releases the slot when the function throws synchronously', async () => {
    const bulkhead = new BulkheadPolicy({ maxConcurrent: 1 });
    await expect(
      bulkhead.execute(() => {
        throw new Error('sync');
      }, idempotent),
    ).rejects.toThrow('sync');
    expect(bulkhead.active).toBe(0);
  });
});
