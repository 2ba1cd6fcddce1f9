/**
 * Issue 3's wire acceptance, circuit breaker: an outage of the real fake
 * target opens the breaker, later calls fail fast without touching the wire,
 * and a half-open probe closes it once the target is back.
 */
import { type BreakerTransitionEvent, isLifelineError } from 'lifeline';
import type { FakeTarget } from 'lifeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindAcme, rejectionOf, type SeededKey, startTarget, testPolicy, until } from './fixtures/wireTarget';

let target: FakeTarget;
let keys: SeededKey[];

beforeEach(async () => {
  ({ target, keys } = await startTarget(20));
});

afterEach(async () => {
  await target.close();
});

function key(index: number): SeededKey {
  const found = keys[index];
  if (found === undefined) throw new Error(`no key ${index} seeded`);
  return found;
}

const RESET_MS = 1500;

/** The target's request count once it has not changed for 300 ms. */
async function settledRequestCount(fake: FakeTarget): Promise<number> {
  let last = fake.counters().requests;
  let stableSince = Date.now();
  await until(
    () => {
      const now = fake.counters().requests;
      if (now !== last) {
        last = now;
        stableSince = Date.now();
      }
      return Date.now() - stableSince >= 300;
    },
    10_000,
    'the request count to settle',
  );
  return last;
}

describe.each([
  { mode: 'hang' as const, failure: 'timeout' },
  { mode: 'unavailable' as const, failure: 'transient' },
])('an outage in $mode mode', ({ mode, failure }) => {
  it('opens the breaker; later calls fail fast with circuit_open without reaching the target; a probe closes it', async () => {
    const policy = testPolicy({
      retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 10 },
      breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeout: RESET_MS },
      timeout: 1000, // per attempt: a hanging request becomes a timeout
    });
    const bound = bindAcme(target, policy);
    const transitions: string[] = [];
    const opened: BreakerTransitionEvent[] = [];
    policy.onBreakerOpen((event) => {
      opened.push(event);
      transitions.push('open');
    });
    policy.onBreakerHalfOpen(() => transitions.push('halfOpen'));
    policy.onBreakerClose(() => transitions.push('closed'));
    await bound.call('credential.revoke', { credential: key(0) }); // healthy: adapter resolved
    const outage = await target.faults.outage({ mode, tenant: 'acme' });

    const codes: string[] = [];
    for (let i = 1; i <= 10 && policy.breaker?.state !== 'open'; i++) {
      const error = await rejectionOf(bound.call('credential.revoke', { credential: key(i) }));
      codes.push((error as { code: string }).code);
    }
    expect(policy.breaker?.state).toBe('open');
    expect(codes.every((code) => code === failure || code === 'circuit_open')).toBe(true);
    expect(codes).toContain(failure);

    // A timed-out attempt's request may still be on its way in: wait until the count settles.
    const sent = await settledRequestCount(target);
    const failFastStartedAt = Date.now();
    for (let i = 11; i < 31; i++) {
      const error = await rejectionOf(bound.call('credential.revoke', { credential: key(i) }));
      expect(isLifelineError(error, 'circuit_open')).toBe(true);
      expect(error).toMatchObject({ mayHaveReachedServer: false, retryable: false });
    }
    const failFastMs = Date.now() - failFastStartedAt;
    expect(target.counters().requests).toBe(sent);
    // 20 rejected calls took far less than one per-attempt timeout each.
    expect(failFastMs).toBeLessThan(20 * 1000);
    for (let i = 11; i < 31; i++) expect(target.effects('key', key(i).id, 'acme').requests).toBe(0);

    await outage.dispose();
    await until(() => policy.breaker?.state === 'halfOpen', RESET_MS + 10_000, 'the half-open state');
    expect(Date.now() - (opened[0]?.at ?? 0)).toBeGreaterThanOrEqual(RESET_MS - 50);

    await bound.call('credential.revoke', { credential: key(31) });
    expect(policy.breaker?.state).toBe('closed');
    expect(transitions).toEqual(['open', 'halfOpen', 'closed']);
    expect(target.effects('key', key(31).id, 'acme').applied).toBe(1);
    await bound.call('credential.revoke', { credential: key(32) });
    expect(target.state.key('acme', key(32).id)?.status).toBe('revoked');
    policy.shutdown();
  });
});

describe('a half-open probe while the target is still down', () => {
  it('reopens the breaker, and the probe is the only request sent', async () => {
    const policy = testPolicy({
      retry: false,
      breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeout: 500 },
    });
    const bound = bindAcme(target, policy);
    await bound.call('connection.test', {});
    await target.faults.outage({ mode: 'unavailable', tenant: 'acme' });
    const transitions: string[] = [];
    policy.subscribe(({ kind }) => transitions.push(kind));
    for (let i = 0; i < 4 && policy.breaker?.state !== 'open'; i++) {
      await rejectionOf(bound.call('credential.revoke', { credential: key(i) }));
    }
    expect(policy.breaker?.state).toBe('open');
    await until(() => policy.breaker?.state === 'halfOpen', 10_000, 'the half-open state');
    const sent = target.counters().requests;

    const probe = await rejectionOf(bound.call('credential.revoke', { credential: key(10) }));

    expect(isLifelineError(probe, 'transient')).toBe(true);
    expect(target.counters().requests).toBe(sent + 1);
    expect(policy.breaker?.state).toBe('open');
    expect(transitions).toEqual(['breakerOpen', 'breakerHalfOpen', 'breakerOpen']);
    const next = await rejectionOf(bound.call('credential.revoke', { credential: key(11) }));
    expect(isLifelineError(next, 'circuit_open')).toBe(true);
    expect(target.counters().requests).toBe(sent + 1);
    policy.shutdown();
  });
});
