/**
 * Issue 3's wire acceptance, retries: against the real fake target, through
 * bound connectors, the policy retries only what is safe to retry.
 */
import { isLifelineError, type LifelineError, memoryStore, type RetryEvent, revoke } from 'lifeline';
import type { FakeTarget } from 'lifeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bindAcme,
  bindKeyIssuer,
  keysCreated,
  rejectionOf,
  type SeededKey,
  startTarget,
  testPolicy,
} from './fixtures/wireTarget';

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

describe('a non-idempotent key issue (POST /accounts/{id}/keys)', () => {
  it.each(['nothing', 'headers', 'partial-body'] as const)(
    'is not retried after a reset (%s sent) that came after the key was created',
    async (sent) => {
      const policy = testPolicy();
      const bound = bindKeyIssuer(target, policy);
      const retries: RetryEvent[] = [];
      policy.onRetry((event) => retries.push(event));
      const old = key(0);
      target.faults.add({
        operation: 'key.create',
        times: 1,
        fault: { kind: 'reset', phase: 'after', sent },
      });

      const error = await rejectionOf(bound.call('credential.rotate', { credential: old }));

      expect(isLifelineError(error, 'transient')).toBe(true);
      expect(error).toMatchObject({ mayHaveReachedServer: true, retryable: true });
      expect(retries).toEqual([]);
      expect(keysCreated(target, old.accountId)).toBe(1);
      expect(target.effects('account', old.accountId, 'acme').byOperation['key.create']?.requests).toBe(1);
      policy.shutdown();
    },
  );

  it('is retried after the connection was refused, and creates exactly one key', async () => {
    const policy = testPolicy({ retry: { retries: 6, baseDelayMs: 100, maxDelayMs: 400 } });
    const bound = bindKeyIssuer(target, policy);
    const old = key(0);
    const down = await target.faults.outage({ mode: 'refuse' });
    const retries: RetryEvent[] = [];
    let restored: Promise<void> | undefined;
    policy.onRetry((event) => {
      retries.push(event);
      restored ??= down.dispose(); // the port listens again during the first backoff
    });

    const issued = await bound.call('credential.rotate', { credential: old });
    await restored;

    expect(issued.credential.status).toBe('active');
    expect(String(issued.secret)).toBe('[secret]');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    const firstFailure = retries[0]?.error as LifelineError;
    expect(firstFailure).toMatchObject({ code: 'transient', mayHaveReachedServer: false });
    expect(keysCreated(target, old.accountId)).toBe(1);
    expect(target.state.key('acme', issued.credential.id)?.status).toBe('active');
    policy.shutdown();
  });
});

describe('an idempotent revoke', () => {
  it('is retried through a 503 and 429s with Retry-After in seconds and as an HTTP-date, and applied once', async () => {
    // Three failures in four calls would open a 4-call breaker before the last attempt.
    const policy = testPolicy({ breaker: { volumeThreshold: 20 } });
    const bound = bindAcme(target, policy);
    const retries: RetryEvent[] = [];
    policy.onRetry((event) => retries.push(event));
    await bound.call('connection.test', {}); // resolve the adapter version first
    const revoked = key(1);
    target.faults.add({ operation: 'key.revoke', times: 1, fault: { kind: 'status', status: 503 } });
    target.faults.add({
      operation: 'key.revoke',
      times: 1,
      fault: { kind: 'rateLimit', retryAfterSeconds: 1, retryAfterFormat: 'seconds' },
    });
    target.faults.add({
      operation: 'key.revoke',
      times: 1,
      fault: { kind: 'rateLimit', retryAfterSeconds: 2, retryAfterFormat: 'http-date' },
    });

    const startedAt = Date.now();
    const outcome = await revoke(
      bound,
      { kind: 'credential', credential: revoked },
      { store: memoryStore(), eventId: 'evt-wire-retry' },
    );
    const elapsed = Date.now() - startedAt;

    expect(outcome.error).toBeUndefined();
    expect(outcome).toMatchObject({ status: 'revoked', verified: true });
    expect(retries.map((r) => r.error.code)).toEqual(['transient', 'rate_limited', 'rate_limited']);
    const [, seconds, httpDate] = retries as [RetryEvent, RetryEvent, RetryEvent];
    const hint = (event: RetryEvent) => (event.error as { retryAfterMs?: number }).retryAfterMs ?? 0;
    expect(hint(seconds)).toBe(1000);
    expect(seconds.delayMs).toBeGreaterThanOrEqual(1000);
    // An HTTP-date has whole seconds: "2 s from now" leaves between 1 and 2 s.
    expect(hint(httpDate)).toBeGreaterThan(900);
    expect(httpDate.delayMs).toBeGreaterThanOrEqual(hint(httpDate));
    expect(elapsed).toBeGreaterThanOrEqual(seconds.delayMs + httpDate.delayMs - 20);
    const effects = target.effects('key', revoked.id, 'acme');
    expect(effects.byOperation['key.revoke']).toEqual({ requests: 4, applied: 1 });
    expect(target.state.key('acme', revoked.id)?.status).toBe('revoked');
    policy.shutdown();
  });

  it('is applied once when a 503 came after the revocation: the retry finds it already absent', async () => {
    const policy = testPolicy();
    const bound = bindAcme(target, policy);
    await bound.call('connection.test', {});
    const revoked = key(2);
    target.faults.add({
      operation: 'key.revoke',
      times: 1,
      fault: { kind: 'status', status: 503, phase: 'after' },
    });

    const outcome = await revoke(
      bound,
      { kind: 'credential', credential: revoked },
      { store: memoryStore(), eventId: 'evt-wire-after' },
    );

    expect(outcome).toMatchObject({ status: 'already_absent', verified: true });
    expect(target.effects('key', revoked.id, 'acme').byOperation['key.revoke']).toEqual({
      requests: 2,
      applied: 1,
    });
    policy.shutdown();
  });
});
