/**
 * Issue 3's wire acceptance, cancellation: aborting a call cancels its pending
 * backoff (or rate-limit pause) at once, against the real fake target.
 */
import { isLifelineError, type RateLimitWaitEvent, type RetryEvent } from 'lifeline';
import type { FakeTarget } from 'lifeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindAcme, rejectionOf, type SeededKey, startTarget, testPolicy, until } from './fixtures/wireTarget';

let target: FakeTarget;
let keys: SeededKey[];

beforeEach(async () => {
  ({ target, keys } = await startTarget());
});

afterEach(async () => {
  await target.close();
});

function key(index: number): SeededKey {
  const found = keys[index];
  if (found === undefined) throw new Error(`no key ${index} seeded`);
  return found;
}

/** The wait the target asks for; a call that honoured it would take this long at least. */
const RETRY_AFTER_S = 30;

describe('aborting a call', () => {
  it('cancels a pending backoff wait at once, long before the Retry-After has passed', async () => {
    const policy = testPolicy({ retry: { retries: 3, maxElapsedMs: 120_000 } });
    const bound = bindAcme(target, policy);
    await bound.call('connection.test', {});
    const revoked = key(0);
    target.faults.add({
      operation: 'key.revoke',
      fault: { kind: 'status', status: 503, retryAfterSeconds: RETRY_AFTER_S },
    });
    const retries: RetryEvent[] = [];
    policy.onRetry((event) => retries.push(event));
    const controller = new AbortController();

    const call = rejectionOf(
      bound.call('credential.revoke', { credential: revoked }, { signal: controller.signal }),
    );
    await until(() => retries.length === 1, 10_000, 'the first backoff');
    const abortedAt = Date.now();
    controller.abort();
    const error = await call;
    const settledMs = Date.now() - abortedAt;

    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
    expect(isLifelineError(error, 'timeout')).toBe(true);
    expect(error).toMatchObject({ retryable: false });
    // "At once": a loaded machine may delay the rejection, but by far less than the 30 s wait.
    expect(settledMs).toBeLessThan(2000);
    expect(target.effects('key', revoked.id, 'acme').requests).toBe(1);
    expect(policy.breaker?.state).toBe('closed');
    policy.shutdown();
  });

  it("cancels a wait for the rate limiter's pause after a 429 at once", async () => {
    const policy = testPolicy({ rateLimit: { perSecond: 50 }, breaker: { volumeThreshold: 20 } });
    const bound = bindAcme(target, policy);
    await bound.call('connection.test', {});
    target.faults.add({
      operation: 'key.revoke',
      times: 1,
      fault: { kind: 'rateLimit', retryAfterSeconds: RETRY_AFTER_S },
    });
    const limited = new AbortController();
    const first = rejectionOf(
      bound.call('credential.revoke', { credential: key(0) }, { signal: limited.signal }),
    );
    await until(() => (policy.rateLimit?.pausedUntil ?? 0) > Date.now(), 10_000, 'the pause');
    const sent = target.counters().requests;
    const waits: RateLimitWaitEvent[] = [];
    policy.onRateLimitWait((event) => waits.push(event));
    const controller = new AbortController();

    const waiting = rejectionOf(
      bound.call('credential.revoke', { credential: key(1) }, { signal: controller.signal }),
    );
    await until(() => waits.length === 1, 10_000, 'the rate-limit wait');
    const abortedAt = Date.now();
    controller.abort();
    const error = await waiting;

    expect(Date.now() - abortedAt).toBeLessThan(2000);
    expect(waits[0]).toMatchObject({ reason: 'paused', operation: 'credential.revoke' });
    expect(waits[0]?.waitMs).toBeGreaterThan((RETRY_AFTER_S - 5) * 1000);
    expect(isLifelineError(error, 'timeout')).toBe(true);
    expect(target.counters().requests).toBe(sent);
    expect(target.effects('key', key(1).id, 'acme').requests).toBe(0);
    limited.abort(); // the 429'd call is itself waiting out the Retry-After
    expect(isLifelineError(await first, 'timeout')).toBe(true);
    policy.shutdown();
  });
});
