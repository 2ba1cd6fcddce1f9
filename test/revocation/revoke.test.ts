/**
 * The revocation engine against the real fake target and the Acme connector,
 * with the memory store: once per key, replayed from the ledger, waits for
 * other workers, remembers failures, and proves the effect by reading back.
 */
import {
  directPolicy,
  isLifelineError,
  type LedgerRecord,
  memoryStore,
  type RevocationResult,
  revoke,
  type Store,
  staticCredential,
  verifyRevocation,
} from 'lifeline';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acme, acmeV1, createAcmeConnector } from '../../examples/acme';
import { laggingTarget, writeOnlyTarget } from './inProcessConnectors';

let target: FakeTarget;
let store: Store;
let accountId: string;
let keyId: string;
let secret: string;

function bind() {
  return acme.with(
    { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
    staticCredential(target.token('acme')),
    { policy: directPolicy },
  );
}

function credential(id = keyId) {
  return { kind: 'credential' as const, credential: { id, accountId } };
}

function revokeRequests(id = keyId): number {
  return target.effects('key', id, 'acme').requests;
}

function keyGets(): number {
  return target.counters().byOperation['key.get'] ?? 0;
}

beforeEach(async () => {
  target = await createFakeTarget({ seed: 5 });
  accountId = target.addAccount('acme', { name: 'svc-deployer' }).id;
  const added = target.addKey('acme', accountId, { label: 'deploy' });
  keyId = added.key.id;
  secret = added.secret;
  store = memoryStore();
});

afterEach(async () => {
  vi.useRealTimers();
  await target.close();
});

describe('revoke, the happy path', () => {
  it('revokes a credential once and proves it by reading it back through the adapter', async () => {
    const outcome = await revoke(bind(), credential(), { store, eventId: 'evt-1' });

    expect(outcome).toMatchObject({
      status: 'revoked',
      verified: true,
      action: 'credential.revoke',
      ref: { connector: 'acme', tenant: 'acme', kind: 'credential', id: keyId },
      attempts: 1,
      replayed: false,
      evidence: { method: 'read_back', observed: 'revoked', checks: 1, adapterVersion: 'v1' },
    });
    expect(outcome.error).toBeUndefined();
    expect(target.effects('key', keyId, 'acme').applied).toBe(1);
    expect(target.state.key('acme', keyId)?.status).toBe('revoked');
    const record = await store.get(outcome.key);
    expect(record).toMatchObject({ status: 'completed', attempts: 1 });
  });

  it('records the adapter version the read-back went through (v2 after the tenant moved)', async () => {
    target.setApiVersion('acme', 'v2');
    const outcome = await revoke(bind(), credential(), { store, eventId: 'evt-v2' });
    expect(outcome.evidence?.adapterVersion).toBe('v2');
    expect(outcome.verified).toBe(true);
  });

  it('replays a second revoke with the same key from the ledger without calling the target', async () => {
    const bound = bind();
    const first = await revoke(bound, credential(), { store, eventId: 'evt-1' });
    const requestsBefore = target.counters().requests;

    const second = await revoke(bound, credential(), { store, eventId: 'evt-1' });

    expect(second.replayed).toBe(true);
    expect({ ...second, replayed: false }).toEqual(first);
    expect(target.counters().requests).toBe(requestsBefore);
    expect(revokeRequests()).toBe(1);
  });

  it('revokes again for a different lifecycle event, which finds the key already absent', async () => {
    const bound = bind();
    await revoke(bound, credential(), { store, eventId: 'evt-1' });

    const again = await revoke(bound, credential(), { store, eventId: 'evt-2' });

    expect(again).toMatchObject({ status: 'already_absent', verified: true, replayed: false });
    expect(revokeRequests()).toBe(2);
    expect(target.effects('key', keyId, 'acme').applied).toBe(1);
  });

  it('reports a key the target does not know as already_absent, verified by a 404 read-back', async () => {
    const outcome = await revoke(bind(), credential('key_never_existed'), { store, eventId: 'evt-1' });
    expect(outcome).toMatchObject({
      status: 'already_absent',
      verified: true,
      evidence: { method: 'read_back', observed: 'absent' },
    });
  });

  it('revokes sessions, entitlements and accounts too, each verified by its own read-back', async () => {
    const bound = bind();
    const session = target.addSession('acme', accountId);
    const group = target.addGroup('acme', { name: 'admins', members: [accountId] });

    const outcomes = [
      await revoke(
        bound,
        { kind: 'session', account: { id: accountId }, session: { id: session.id } },
        {
          store,
          eventId: 'evt-1',
        },
      ),
      await revoke(
        bound,
        { kind: 'entitlement', account: { id: accountId }, entitlement: { id: group.id } },
        {
          store,
          eventId: 'evt-1',
        },
      ),
      await revoke(
        bound,
        { kind: 'account', account: { id: accountId }, action: 'disable' },
        {
          store,
          eventId: 'evt-1',
        },
      ),
    ];

    expect(outcomes.map((o) => [o.action, o.status, o.verified, o.evidence?.observed])).toEqual([
      ['session.revoke', 'revoked', true, 'absent'],
      ['entitlement.revoke', 'revoked', true, 'absent'],
      ['account.disable', 'revoked', true, 'disabled'],
    ]);
    expect(target.effects('session', session.id, 'acme').applied).toBe(1);
    expect(target.effects('membership', `${group.id}/${accountId}`, 'acme').applied).toBe(1);
    expect(target.state.account('acme', accountId)?.status).toBe('disabled');
  });
});

describe('revoke, keys and conflicts', () => {
  it('throws ConflictError when the same key is reused for different parameters, without calling the target', async () => {
    const other = target.addKey('acme', accountId).key.id;
    const bound = bind();
    await revoke(bound, credential(), { store, eventId: 'evt-1', idempotencyKey: 'my-key' });

    const error = await revoke(bound, credential(other), {
      store,
      eventId: 'evt-1',
      idempotencyKey: 'my-key',
    }).catch((caught: unknown) => caught);

    expect(isLifelineError(error, 'conflict')).toBe(true);
    expect(revokeRequests(other)).toBe(0);
    expect(target.state.key('acme', other)?.status).toBe('active');
  });

  it('waits with backoff for a key another worker holds, then reports a retryable conflict', async () => {
    const hang = target.faults.add({ operation: 'key.revoke', times: 1, fault: { kind: 'hang' } });
    const bound = bind();
    const holder = revoke(bound, credential(), { store, eventId: 'evt-1', owner: 'worker-a' });
    await vi.waitFor(() => expect(hang.fired).toBe(1), { timeout: 10_000, interval: 10 });

    const started = Date.now();
    const waiting = await revoke(bound, credential(), {
      store,
      eventId: 'evt-1',
      owner: 'worker-b',
      maxWaitMs: 400,
    });
    const waited = Date.now() - started;

    expect(waiting).toMatchObject({
      status: 'failed',
      verified: false,
      replayed: false,
      error: { code: 'conflict', retryable: true },
    });
    expect(waiting.error?.message).toContain('held by another worker');
    expect(waited).toBeGreaterThanOrEqual(390);
    expect(waited).toBeLessThan(10_000);
    expect(revokeRequests()).toBe(1);

    await hang.dispose();
    expect(await holder).toMatchObject({ status: 'revoked', verified: true });
    // Once the holder is done, the waiting worker gets the stored outcome.
    const later = await revoke(bound, credential(), { store, eventId: 'evt-1', owner: 'worker-b' });
    expect(later).toMatchObject({ status: 'revoked', verified: true, replayed: true });
    expect(target.effects('key', keyId, 'acme').applied).toBe(1);
  });

  it('backs off between begins while waiting (a handful of begins, not a busy loop)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    let release: () => void = () => {};
    const { bound } = writeOnlyTarget(new Promise<void>((resolve) => (release = resolve)));
    let begins = 0;
    const counting = new Proxy(store, {
      get(real, property) {
        const value = Reflect.get(real, property, real);
        if (property === 'begin') begins++;
        return typeof value === 'function' ? value.bind(real) : value;
      },
    });
    const options = { store: counting, eventId: 'evt-1', verify: false } as const;
    const holder = revoke(bound, credential('k_1'), { ...options, owner: 'worker-a', leaseMs: 600_000 });
    await vi.advanceTimersByTimeAsync(0);
    begins = 0;

    const waiting = revoke(bound, credential('k_1'), { ...options, owner: 'worker-b', maxWaitMs: 10_000 });
    await vi.advanceTimersByTimeAsync(10_100);
    const outcome = await waiting;

    expect(outcome.error?.code).toBe('conflict');
    // Waits of 50, 100, 200, 400, 800, 1600, 2000, 2000, ... ms: about a dozen begins in 10 s.
    expect(begins).toBeGreaterThanOrEqual(8);
    expect(begins).toBeLessThanOrEqual(14);
    release();
    expect(await holder).toMatchObject({ status: 'revoked', verified: false });
  });

  it('takes over the lease of a worker that crashed, and the crashed worker cannot report its stale attempt', async () => {
    const hang = target.faults.add({ operation: 'key.revoke', times: 1, fault: { kind: 'hang' } });
    const bound = bind();
    // worker-a sends the revoke and then "dies": its request hangs and its short lease runs out.
    const crashed = revoke(bound, credential(), { store, eventId: 'evt-1', owner: 'worker-a', leaseMs: 200 });
    await vi.waitFor(() => expect(hang.fired).toBe(1), { timeout: 10_000, interval: 10 });
    await new Promise((resolve) => setTimeout(resolve, 250));

    const takeover = await revoke(bound, credential(), { store, eventId: 'evt-1', owner: 'worker-b' });

    expect(takeover).toMatchObject({ status: 'revoked', verified: true, attempts: 2, replayed: false });
    expect(await store.get(takeover.key)).toMatchObject({
      status: 'completed',
      owner: 'worker-b',
      attempts: 2,
    });

    await hang.dispose();
    const stale = await crashed.catch((caught: unknown) => caught);
    expect(isLifelineError(stale, 'conflict')).toBe(true);
    expect(await store.get(takeover.key)).toMatchObject({ status: 'completed', owner: 'worker-b' });
    expect(target.effects('key', keyId, 'acme').applied).toBe(1);
  });
});

describe('revoke, remembered failures', () => {
  it('remembers a transient failure with its attempt count and continues on the next revoke', async () => {
    target.faults.add({ operation: 'key.revoke', times: 1, fault: { kind: 'status', status: 503 } });
    const bound = bind();

    const failed = await revoke(bound, credential(), { store, eventId: 'evt-1' });

    expect(failed).toMatchObject({
      status: 'failed',
      verified: false,
      attempts: 1,
      error: { code: 'transient', retryable: true },
    });
    expect(await store.get(failed.key)).toMatchObject({
      status: 'failed',
      attempts: 1,
      permanent: false,
      lastError: { code: 'transient' },
    });

    const retried = await revoke(bound, credential(), { store, eventId: 'evt-1' });
    expect(retried).toMatchObject({ status: 'revoked', verified: true, attempts: 2, replayed: false });
    expect(target.effects('key', keyId, 'acme').applied).toBe(1);
  });

  it('keeps a forbidden (403) revocation failed, without calling the target, until store.reset', async () => {
    const forbidden = target.faults.add({
      operation: 'key.revoke',
      times: 1,
      fault: { kind: 'status', status: 403 },
    });
    const bound = bind();

    const failed = await revoke(bound, credential(), { store, eventId: 'evt-1' });
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'forbidden', retryable: false } });
    expect(await store.get(failed.key)).toMatchObject({ status: 'failed', permanent: true });
    await forbidden.dispose();

    const stillFailed = await revoke(bound, credential(), { store, eventId: 'evt-1' });
    expect(stillFailed).toMatchObject({
      status: 'failed',
      replayed: true,
      attempts: 1,
      error: { code: 'forbidden', retryable: false },
    });
    expect(revokeRequests()).toBe(1);

    expect(await store.reset(failed.key)).toBe(true);
    const afterReset = await revoke(bound, credential(), { store, eventId: 'evt-1' });
    expect(afterReset).toMatchObject({ status: 'revoked', verified: true, attempts: 1 });
    expect(revokeRequests()).toBe(2);
  });

  it('does not make a caller abort permanent: the lease is released and the next revoke continues', async () => {
    const hang = target.faults.add({ operation: 'key.revoke', times: 1, fault: { kind: 'hang' } });
    const controller = new AbortController();
    const bound = bind();
    const aborted = revoke(bound, credential(), { store, eventId: 'evt-1', signal: controller.signal });
    await vi.waitFor(() => expect(hang.fired).toBe(1), { timeout: 10_000, interval: 10 });
    controller.abort();

    const outcome = await aborted;
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'timeout', retryable: true } });
    expect(await store.get(outcome.key)).toMatchObject({ status: 'failed', permanent: false });

    await hang.dispose();
    const next = await revoke(bound, credential(), { store, eventId: 'evt-1', maxWaitMs: 0 });
    expect(next).toMatchObject({
      status: expect.stringMatching(/^(revoked|already_absent)$/),
      verified: true,
    });
    expect(target.effects('key', keyId, 'acme').applied).toBe(1);
  });

  it('refuses invalid options and targets with InvalidInputError naming the fields', async () => {
    const bound = bind();
    const badOptions = await revoke(bound, credential(), {
      store,
      eventId: '',
      leaseMs: 5,
      verify: { attempts: 0 },
    }).catch((caught: unknown) => caught);
    expect(isLifelineError(badOptions, 'invalid_input')).toBe(true);
    const paths = (badOptions as { issues: { path: (string | number)[] }[] }).issues.map((i) =>
      i.path.join('.'),
    );
    expect(paths).toEqual(expect.arrayContaining(['eventId', 'leaseMs', 'verify.attempts']));

    const badTarget = await revoke(
      bound,
      { kind: 'credential', credential: { id: '' } },
      {
        store,
        eventId: 'evt-1',
      },
    ).catch((caught: unknown) => caught);
    expect(isLifelineError(badTarget, 'invalid_input')).toBe(true);
    expect(target.counters().requests).toBe(0);
  });

  it('refuses each invalid verify option on its own, naming it, before touching the target', async () => {
    const bound = bind();
    const cases: [Record<string, unknown>, string][] = [
      [{ attempts: 1.5 }, 'verify.attempts'],
      [{ initialDelayMs: -1 }, 'verify.initialDelayMs'],
      [{ maxDelayMs: 3_600_001 }, 'verify.maxDelayMs'],
      [{ check: 'not a function' }, 'verify.check'],
    ];
    for (const [verify, path] of cases) {
      const caught = await revoke(bound, credential(), {
        store,
        eventId: 'evt-1',
        verify: verify as never,
      }).catch((error: unknown) => error);
      expect(isLifelineError(caught, 'invalid_input')).toBe(true);
      expect(
        (caught as { issues: { path: (string | number)[] }[] }).issues.map((i) => i.path.join('.')),
      ).toEqual([path]);
      const direct = await verifyRevocation(bound, credential(), verify as never).catch(
        (error: unknown) => error,
      );
      expect(isLifelineError(direct, 'invalid_input')).toBe(true);
    }
    expect(target.counters().requests).toBe(0);
    const valid = await revoke(bound, credential(), { store, eventId: 'evt-1', verify: { attempts: 1 } });
    expect(valid).toMatchObject({ status: 'revoked', verified: true });
  });
});

describe('revoke, verification', () => {
  it('retries the read-back with doubling waits until an eventually consistent target shows the key revoked', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    const { bound, reads } = laggingTarget(2);
    const pending = revoke(bound, credential('k_1'), {
      store,
      eventId: 'evt-1',
      verify: { attempts: 5, initialDelayMs: 100, maxDelayMs: 1000 },
    });
    await vi.advanceTimersByTimeAsync(1000);
    const outcome = await pending;

    expect(outcome).toMatchObject({
      status: 'revoked',
      verified: true,
      evidence: { method: 'read_back', observed: 'revoked', checks: 3 },
    });
    const first = reads[0] ?? 0;
    expect(reads.map((at) => at - first)).toEqual([0, 100, 300]);
  });

  it('reports revoked but not verified, observed still_present, when the read-back never converges', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    const { bound, reads } = laggingTarget(1_000);
    const pending = revoke(bound, credential('k_1'), {
      store,
      eventId: 'evt-1',
      verify: { attempts: 4, initialDelayMs: 100, maxDelayMs: 200 },
    });
    await vi.advanceTimersByTimeAsync(2000);
    const outcome = await pending;

    expect(outcome).toMatchObject({
      status: 'revoked',
      verified: false,
      evidence: { method: 'read_back', observed: 'still_present', checks: 4 },
    });
    const first = reads[0] ?? 0;
    expect(reads.map((at) => at - first)).toEqual([0, 100, 300, 500]);
  });

  it('reports verified: false with evidence method none for a connector that cannot read back', async () => {
    const { bound, revokes } = writeOnlyTarget();
    const outcome = await revoke(bound, credential('k_1'), { store, eventId: 'evt-1' });

    expect(outcome).toMatchObject({
      status: 'revoked',
      verified: false,
      evidence: { method: 'none', observed: 'unknown', checks: 0 },
    });
    expect(outcome.evidence?.detail).toContain('no operation to read back');
    expect(revokes()).toBe(1);
  });

  it('never calls an outcome verified when verification is turned off', async () => {
    const outcome = await revoke(bind(), credential(), { store, eventId: 'evt-1', verify: false });
    expect(outcome).toMatchObject({ status: 'revoked', verified: false });
    expect(outcome.evidence).toBeUndefined();
    expect(keyGets()).toBe(0);
  });

  it('uses a connector-supplied stronger check instead of the read-back', async () => {
    const seen: string[] = [];
    const outcome = await revoke(bind(), credential(), {
      store,
      eventId: 'evt-1',
      verify: {
        check: async (_bound, checked) => {
          seen.push(checked.kind);
          return { confirmed: true, detail: 'the key is refused with 401' };
        },
      },
    });

    expect(outcome).toMatchObject({
      status: 'revoked',
      verified: true,
      evidence: { method: 'custom', observed: 'revoked', checks: 1, detail: 'the key is refused with 401' },
    });
    expect(seen).toEqual(['credential']);
    expect(keyGets()).toBe(0);
  });

  it('does not verify when the stronger check says the key still works, however the read-back looks', async () => {
    const outcome = await revoke(bind(), credential(), {
      store,
      eventId: 'evt-1',
      verify: { attempts: 2, initialDelayMs: 1, check: async () => ({ confirmed: false }) },
    });
    expect(outcome).toMatchObject({
      status: 'revoked',
      verified: false,
      evidence: { method: 'custom', observed: 'still_present', checks: 2 },
    });
  });

  it('never verifies a read-back that is malformed: the revocation is failed and retryable', async () => {
    target.faults.add({ operation: 'key.get', times: 1, fault: { kind: 'malformedJson', phase: 'after' } });
    const bound = bind();

    const outcome = await revoke(bound, credential(), { store, eventId: 'evt-1' });

    expect(outcome).toMatchObject({ status: 'failed', verified: false, error: { retryable: true } });
    expect(target.effects('key', keyId, 'acme').applied).toBe(1);
    // The next attempt continues: the key is gone, which is proven this time.
    const next = await revoke(bound, credential(), { store, eventId: 'evt-1' });
    expect(next).toMatchObject({ status: 'already_absent', verified: true, attempts: 2 });
  });

  it('never verifies a read-back in a shape the adapter does not know (schema drift)', async () => {
    const legacy = createAcmeConnector({ adapters: [acmeV1] }).with(
      { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
      staticCredential(target.token('acme')),
      { policy: directPolicy },
    );
    // The tenant moves to API v2 between the revoke and the read-back.
    const switching: typeof legacy = Object.create(legacy, {
      call: {
        value: async (...args: Parameters<typeof legacy.call>) => {
          const result = await legacy.call(...args);
          if (args[0] === 'credential.revoke') target.setApiVersion('acme', 'v2');
          return result;
        },
      },
    });

    const outcome = await revoke(switching, credential(), { store, eventId: 'evt-1' });

    expect(target.effects('key', keyId, 'acme').applied).toBe(1);
    expect(outcome).toMatchObject({ status: 'failed', verified: false, error: { code: 'schema_drift' } });
    expect(outcome.evidence).toBeUndefined();
  });
});

describe('revoke, secrets', () => {
  it('never carries the key secret in an outcome, an error or a ledger record (canary)', async () => {
    const bound = bind();
    const results: unknown[] = [];
    const records: (LedgerRecord | undefined)[] = [];
    const keep = async (result: Promise<RevocationResult>) => {
      const settled = await result.catch((error: unknown) => ({
        name: (error as Error).name,
        message: (error as Error).message,
        stack: (error as Error).stack,
      }));
      results.push(settled);
      if ('key' in settled) records.push(await store.get(settled.key));
    };

    // A careless custom check quotes the secret in its detail, then in a thrown error.
    await keep(
      revoke(bound, credential(), {
        store,
        eventId: 'evt-1',
        verify: { check: async () => ({ confirmed: true, detail: `tried ${secret}: refused` }) },
      }),
    );
    await keep(
      revoke(bound, credential(), {
        store,
        eventId: 'evt-2',
        verify: {
          check: async () => {
            throw new Error(`login with ${secret} failed`);
          },
        },
      }),
    );
    target.faults.add({ operation: 'key.revoke', times: 1, fault: { kind: 'status', status: 500 } });
    await keep(revoke(bound, credential(), { store, eventId: 'evt-3' }));
    await keep(revoke(bound, credential(), { store, eventId: 'evt-3' }));
    await keep(revoke(bound, credential(), { store, eventId: 'evt-3' }));

    expect(results).toHaveLength(5);
    expect(records.filter((r) => r !== undefined)).toHaveLength(5);
    const everything = JSON.stringify({ results, records });
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(-24));
    expect(everything).toContain('[redacted');
  });
});
