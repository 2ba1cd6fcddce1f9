import assert from 'node:assert/strict';
import { isLifelineError, PermanentError, TransientError } from '../../errors';
import { Secret } from '../../model';
import type { JsonValue, Store } from '../../stores';
import { type ManualClock, manualClock } from './manualClock';

/** What a store factory receives: the clock the store must read time from. */
export interface StoreFactoryEnv {
  readonly clock: ManualClock;
}

/** Creates a fresh, empty store for one case. The suite closes it afterwards. */
export type StoreFactory = (env: StoreFactoryEnv) => Store | Promise<Store>;

/** What the suite may exercise; defaults suit every built-in store. */
export interface StoreCapabilities {
  /** Concurrent callers in the race cases (default 16). */
  readonly concurrency?: number;
  /** Steps written in the paging case (default 2,500). */
  readonly journalSteps?: number;
}

/** One named, framework-neutral check: `run` rejects when the store breaks the contract. */
export interface StoreConformanceCase {
  readonly name: string;
  readonly run: () => Promise<void>;
}

const LEASE = 30_000;

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isLifelineError(error, code as never), `expected a ${code} error, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected a ${code} error, but the call succeeded`);
}

/**
 * The store conformance suite as a list of named async checks. It needs no test
 * framework (assertions use `node:assert`), so `lifeline/testing` does not depend
 * on vitest; {@link describeStore} registers the cases with any `describe`/`it`.
 *
 * @example
 * ```ts
 * for (const c of storeConformanceCases(({ clock }) => memoryStore({ clock: clock.now }))) {
 *   await c.run();
 * }
 * ```
 */
export function storeConformanceCases(
  factory: StoreFactory,
  capabilities: StoreCapabilities = {},
): StoreConformanceCase[] {
  const concurrency = capabilities.concurrency ?? 16;
  const journalSteps = capabilities.journalSteps ?? 2500;

  const check =
    (body: (store: Store, clock: ManualClock) => Promise<void>): (() => Promise<void>) =>
    async () => {
      const clock = manualClock();
      const store = await factory({ clock });
      try {
        await body(store, clock);
      } finally {
        await store.close();
      }
    };

  const cases: [string, (store: Store, clock: ManualClock) => Promise<void>][] = [
    // ---- ledger ---------------------------------------------------------------
    [
      'the first begin on a key acquires a lease for its owner',
      async (store, clock) => {
        const begun = await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        assert.equal(begun.status, 'acquired');
        assert.equal(begun.record.attempts, 1);
        assert.equal(begun.record.owner, 'w1');
        assert.equal(begun.record.leaseExpiresAt, clock.now() + LEASE);
        assert.equal((await store.get('k1'))?.status, 'in_progress');
      },
    ],
    [
      'a begin after complete returns the stored outcome instead of acquiring',
      async (store) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        const outcome: JsonValue = {
          status: 'revoked',
          verified: true,
          evidence: { readBack: [1, 'a', null] },
        };
        const done = await store.complete('k1', 'w1', outcome);
        assert.equal(done.status, 'completed');
        assert.equal(done.leaseExpiresAt, undefined);
        const again = await store.begin('k1', 'fp', { owner: 'w2', leaseMs: LEASE });
        assert.equal(again.status, 'completed');
        assert.deepEqual(again.status === 'completed' && again.outcome, outcome);
      },
    ],
    [
      'a begin while another owner holds the lease returns in_progress with the lease expiry',
      async (store, clock) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        clock.advance(LEASE - 1);
        const other = await store.begin('k1', 'fp', { owner: 'w2', leaseMs: LEASE });
        assert.equal(other.status, 'in_progress');
        assert.equal(other.status === 'in_progress' && other.leaseExpiresAt, clock.now() + 1);
        assert.equal(other.record.owner, 'w1');
      },
    ],
    [
      'a repeated begin by the lease owner re-acquires without counting a new attempt',
      async (store, clock) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        clock.advance(1000);
        const again = await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        assert.equal(again.status, 'acquired');
        assert.equal(again.status === 'acquired' && again.takeover, false);
        assert.equal(again.record.attempts, 1);
        assert.equal(again.record.leaseExpiresAt, clock.now() + LEASE);
      },
    ],
    [
      'a key reused with a different fingerprint is a conflict, in progress or completed',
      async (store) => {
        await store.begin('k1', 'fp-a', { owner: 'w1', leaseMs: LEASE });
        await rejectsWith(store.begin('k1', 'fp-b', { owner: 'w2', leaseMs: LEASE }), 'conflict');
        await store.complete('k1', 'w1', { ok: true });
        await rejectsWith(store.begin('k1', 'fp-b', { owner: 'w2', leaseMs: LEASE }), 'conflict');
      },
    ],
    [
      'an expired lease is taken over with the attempt count and last error preserved',
      async (store, clock) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        await store.fail('k1', 'w1', new TransientError('target returned 503'), { permanent: false });
        await store.begin('k1', 'fp', { owner: 'w2', leaseMs: LEASE }); // attempt 2, then w2 crashes
        clock.advance(LEASE);
        const taken = await store.begin('k1', 'fp', { owner: 'w3', leaseMs: LEASE });
        assert.equal(taken.status, 'acquired');
        assert.equal(taken.status === 'acquired' && taken.takeover, true);
        assert.equal(taken.record.attempts, 3);
        assert.equal(taken.record.owner, 'w3');
        assert.deepEqual(taken.record.lastError, { code: 'transient', message: 'target returned 503' });
      },
    ],
    [
      'a stale owner cannot complete, fail or extend after its lease was taken over',
      async (store, clock) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        clock.advance(LEASE + 1);
        await store.begin('k1', 'fp', { owner: 'w2', leaseMs: LEASE });
        await rejectsWith(store.complete('k1', 'w1', { status: 'revoked' }), 'conflict');
        await rejectsWith(store.fail('k1', 'w1', new Error('x'), { permanent: true }), 'conflict');
        await rejectsWith(store.extend('k1', 'w1', LEASE), 'conflict');
        const done = await store.complete('k1', 'w2', { status: 'revoked' });
        assert.equal(done.owner, 'w2');
        assert.deepEqual(done.outcome, { status: 'revoked' });
      },
    ],
    [
      'an owner whose lease lapsed may still complete while nobody took it over',
      async (store, clock) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        clock.advance(LEASE * 2);
        assert.equal((await store.complete('k1', 'w1', 1)).status, 'completed');
      },
    ],
    [
      'a retried complete with the same outcome is accepted; a different outcome is a conflict',
      async (store) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        await store.complete('k1', 'w1', { status: 'revoked' });
        assert.equal((await store.complete('k1', 'w1', { status: 'revoked' })).status, 'completed');
        await rejectsWith(store.complete('k1', 'w1', { status: 'failed' }), 'conflict');
      },
    ],
    [
      'completing or failing a key that was never begun is not_found',
      async (store) => {
        await rejectsWith(store.complete('nope', 'w1', null), 'not_found');
        await rejectsWith(store.fail('nope', 'w1', new Error('x'), { permanent: false }), 'not_found');
      },
    ],
    [
      'a retryable failure is remembered and the next begin continues with the next attempt',
      async (store) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        const failed = await store.fail('k1', 'w1', new TransientError('reset by peer'), {
          permanent: false,
        });
        assert.equal(failed.status, 'failed');
        assert.equal(failed.permanent, false);
        const next = await store.begin('k1', 'fp', { owner: 'w2', leaseMs: LEASE });
        assert.equal(next.status, 'acquired');
        assert.equal(next.record.attempts, 2);
        assert.deepEqual(next.record.lastError, { code: 'transient', message: 'reset by peer' });
      },
    ],
    [
      'a permanent failure sticks, even after the lease time, until reset',
      async (store, clock) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        await store.fail('k1', 'w1', new PermanentError('account is protected'), { permanent: true });
        clock.advance(LEASE * 10);
        for (const owner of ['w2', 'w3']) {
          const begun = await store.begin('k1', 'fp', { owner, leaseMs: LEASE });
          assert.equal(begun.status, 'failed');
          assert.deepEqual(begun.status === 'failed' && begun.lastError, {
            code: 'permanent',
            message: 'account is protected',
          });
          assert.equal(begun.record.attempts, 1);
        }
        assert.equal(await store.reset('k1'), true);
        assert.equal(await store.get('k1'), undefined);
        const fresh = await store.begin('k1', 'fp', { owner: 'w4', leaseMs: LEASE });
        assert.equal(fresh.status, 'acquired');
        assert.equal(fresh.record.attempts, 1);
        assert.equal(fresh.record.lastError, undefined);
      },
    ],
    [
      'foreign errors are remembered as unknown with their name and message',
      async (store) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        const failed = await store.fail('k1', 'w1', new RangeError('bad'), { permanent: false });
        assert.deepEqual(failed.lastError, { code: 'unknown', message: 'RangeError: bad' });
      },
    ],
    [
      'an outcome that is not JSON or holds a secret is refused with its path, and nothing is stored',
      async (store) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        const leaked = (await rejectsWith(
          store.complete('k1', 'w1', {
            evidence: { token: new Secret('sk_live_abc') },
          } as unknown as JsonValue),
          'invalid_input',
        )) as { issues: { path: unknown[] }[]; message: string };
        assert.deepEqual(leaked.issues[0]?.path, ['outcome', 'evidence', 'token']);
        assert.ok(!leaked.message.includes('sk_live_abc'));
        await rejectsWith(store.complete('k1', 'w1', { n: Number.NaN }), 'invalid_input');
        await rejectsWith(
          store.complete('k1', 'w1', { f: () => 1 } as unknown as JsonValue),
          'invalid_input',
        );
        assert.equal((await store.get('k1'))?.status, 'in_progress');
      },
    ],
    [
      'invalid arguments are refused with invalid_input naming the fields',
      async (store) => {
        const error = (await rejectsWith(
          store.begin('', 'fp', { owner: 'w1', leaseMs: 0 }),
          'invalid_input',
        )) as {
          issues: { path: unknown[] }[];
        };
        const paths = error.issues.map((i) => i.path.join('.')).sort();
        assert.deepEqual(paths, ['key', 'leaseMs']);
      },
    ],
    [
      'an aborted signal stops a call before it touches the store',
      async (store) => {
        const controller = new AbortController();
        controller.abort();
        await rejectsWith(
          store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE, signal: controller.signal }),
          'timeout',
        );
        assert.equal(await store.get('k1'), undefined);
      },
    ],
    [
      'extend renews the owner lease so others keep seeing in_progress',
      async (store, clock) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        clock.advance(LEASE - 1000);
        await store.extend('k1', 'w1', LEASE);
        clock.advance(LEASE - 1000);
        assert.equal((await store.begin('k1', 'fp', { owner: 'w2', leaseMs: LEASE })).status, 'in_progress');
      },
    ],
    [
      'a completed record with a TTL is forgotten once it expires, and purged',
      async (store, clock) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        await store.complete('k1', 'w1', 'done', { ttlMs: 60_000 });
        await store.begin('k2', 'fp', { owner: 'w1', leaseMs: LEASE });
        await store.complete('k2', 'w1', 'kept');
        clock.advance(59_999);
        assert.equal((await store.begin('k1', 'fp', { owner: 'w2', leaseMs: LEASE })).status, 'completed');
        clock.advance(1);
        assert.equal(await store.get('k1'), undefined);
        assert.equal(await store.purgeExpired(), 1);
        assert.equal((await store.get('k2'))?.outcome, 'kept');
        const fresh = await store.begin('k1', 'other-fp', { owner: 'w2', leaseMs: LEASE });
        assert.equal(fresh.status, 'acquired');
        assert.equal(fresh.record.attempts, 1);
      },
    ],
    [
      'an expired record is started over by the next begin even before it is purged',
      async (store, clock) => {
        await store.begin('k1', 'fp', { owner: 'w1', leaseMs: LEASE });
        await store.complete('k1', 'w1', 'done', { ttlMs: 1000 });
        clock.advance(1000);
        const fresh = await store.begin('k1', 'fp2', { owner: 'w2', leaseMs: LEASE });
        assert.equal(fresh.status, 'acquired');
        assert.equal(fresh.record.fingerprint, 'fp2');
        assert.equal(fresh.record.outcome, undefined);
      },
    ],
    [
      `${concurrency} concurrent begins on one key acquire it exactly once`,
      async (store) => {
        const results = await Promise.all(
          Array.from({ length: concurrency }, (_, i) =>
            store.begin('race', 'fp', { owner: `w${i}`, leaseMs: LEASE }),
          ),
        );
        assert.equal(results.filter((r) => r.status === 'acquired').length, 1);
        assert.equal(results.filter((r) => r.status === 'in_progress').length, concurrency - 1);
      },
    ],
    [
      `${concurrency} concurrent begins on an expired lease take it over exactly once`,
      async (store, clock) => {
        await store.begin('race', 'fp', { owner: 'crashed', leaseMs: LEASE });
        clock.advance(LEASE);
        const results = await Promise.all(
          Array.from({ length: concurrency }, (_, i) =>
            store.begin('race', 'fp', { owner: `w${i}`, leaseMs: LEASE }),
          ),
        );
        const acquired = results.filter((r) => r.status === 'acquired');
        assert.equal(acquired.length, 1);
        assert.equal(acquired[0]?.record.attempts, 2);
      },
    ],
    // ---- journal --------------------------------------------------------------
    [
      'a run is upserted: createdAt is kept, status, payload and updatedAt change',
      async (store, clock) => {
        const first = await store.putRun({ id: 'r1', status: 'running', payload: { plan: 'leaver' } });
        clock.advance(5);
        const second = await store.putRun({
          id: 'r1',
          status: 'incomplete',
          payload: { plan: 'leaver', n: 2 },
        });
        assert.equal(second.createdAt, first.createdAt);
        assert.equal(second.updatedAt, first.createdAt + 5);
        assert.deepEqual(await store.getRun('r1'), second);
        assert.equal(await store.getRun('r2'), undefined);
      },
    ],
    [
      'a step is upserted and read back; a missing step is undefined',
      async (store) => {
        await store.putStep({
          runId: 'r1',
          stepId: 's1',
          status: 'pending',
          payload: { op: 'credential.revoke' },
        });
        const updated = await store.putStep({
          runId: 'r1',
          stepId: 's1',
          status: 'done',
          payload: { ok: true },
        });
        assert.deepEqual(await store.getStep('r1', 's1'), updated);
        assert.equal(updated.status, 'done');
        assert.equal(await store.getStep('r1', 's2'), undefined);
        assert.equal(await store.getStep('r2', 's1'), undefined);
      },
    ],
    [
      `paging through ${journalSteps} steps by status returns each exactly once, in order`,
      async (store) => {
        const steps = Array.from({ length: journalSteps }, (_, i) => ({
          runId: 'big',
          stepId: `s${String((i * 7919) % journalSteps).padStart(6, '0')}`,
          status: i % 3 === 0 ? 'failed' : 'done',
          payload: { i },
        }));
        for (let i = 0; i < steps.length; i += 1000) await store.putSteps(steps.slice(i, i + 1000));
        await store.putStep({ runId: 'other', stepId: 's000001', status: 'failed' });
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listSteps('big', {
            status: 'failed',
            limit: 97,
            ...(cursor ? { cursor } : {}),
          });
          assert.ok(page.items.length <= 97);
          for (const s of page.items) {
            assert.equal(s.status, 'failed');
            seen.push(s.stepId);
          }
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== undefined);
        const expected = steps
          .filter((s) => s.status === 'failed')
          .map((s) => s.stepId)
          .sort();
        assert.deepEqual(seen, expected);
        assert.equal(pages, Math.ceil(expected.length / 97) + (expected.length % 97 === 0 ? 1 : 0));
        const all = await store.listSteps('big', { status: ['failed', 'done'], limit: 1000 });
        assert.equal(all.items.length, Math.min(1000, journalSteps));
      },
    ],
    [
      'claimed steps are not claimable by others until the claim expires',
      async (store, clock) => {
        await store.putSteps(
          Array.from({ length: 5 }, (_, i) => ({
            runId: 'r1',
            stepId: `s${i}`,
            status: i === 4 ? 'done' : 'pending',
          })),
        );
        const first = await store.claimSteps({ runId: 'r1', owner: 'a', leaseMs: LEASE, limit: 3 });
        assert.deepEqual(
          first.map((s) => s.stepId),
          ['s0', 's1', 's2'],
        );
        assert.deepEqual(first[0]?.claim, { owner: 'a', expiresAt: clock.now() + LEASE });
        const second = await store.claimSteps({ runId: 'r1', owner: 'b', leaseMs: LEASE, limit: 10 });
        assert.deepEqual(
          second.map((s) => s.stepId),
          ['s3'],
        );
        assert.deepEqual(await store.claimSteps({ owner: 'c', leaseMs: LEASE, limit: 10 }), []);
        clock.advance(LEASE);
        const third = await store.claimSteps({ owner: 'c', leaseMs: LEASE, limit: 10 });
        assert.deepEqual(
          third.map((s) => s.stepId),
          ['s0', 's1', 's2', 's3'],
        );
      },
    ],
    [
      'only the claim owner may renew or release a step; release writes status and ends the claim',
      async (store) => {
        await store.putStep({ runId: 'r1', stepId: 's1', status: 'pending' });
        await store.claimSteps({ runId: 'r1', owner: 'a', leaseMs: LEASE });
        await rejectsWith(store.releaseStep('r1', 's1', 'b', { status: 'done' }), 'conflict');
        await rejectsWith(store.renewClaim('r1', 's1', 'b', LEASE), 'conflict');
        await rejectsWith(store.releaseStep('r1', 'nope', 'a'), 'not_found');
        await store.renewClaim('r1', 's1', 'a', LEASE);
        const released = await store.releaseStep('r1', 's1', 'a', {
          status: 'done',
          payload: { outcome: 'revoked' },
        });
        assert.equal(released.status, 'done');
        assert.equal(released.claim, undefined);
        assert.deepEqual(released.payload, { outcome: 'revoked' });
        await rejectsWith(store.releaseStep('r1', 's1', 'a'), 'conflict');
        assert.deepEqual(await store.claimSteps({ owner: 'c', leaseMs: LEASE }), []);
      },
    ],
    [
      'a step put while claimed keeps its claim',
      async (store) => {
        await store.putStep({ runId: 'r1', stepId: 's1', status: 'pending' });
        await store.claimSteps({ owner: 'a', leaseMs: LEASE });
        const put = await store.putStep({
          runId: 'r1',
          stepId: 's1',
          status: 'pending',
          payload: { note: 1 },
        });
        assert.equal(put.claim?.owner, 'a');
        assert.deepEqual(await store.claimSteps({ owner: 'b', leaseMs: LEASE }), []);
      },
    ],
    [
      `${concurrency} concurrent claimers never claim the same step twice`,
      async (store) => {
        const total = 200;
        await store.putSteps(
          Array.from({ length: total }, (_, i) => ({
            runId: `r${i % 3}`,
            stepId: `s${i}`,
            status: 'pending',
          })),
        );
        const claimedBy = new Map<string, string>();
        await Promise.all(
          Array.from({ length: concurrency }, async (_, w) => {
            for (;;) {
              const got = await store.claimSteps({ owner: `w${w}`, leaseMs: LEASE, limit: 3 });
              if (got.length === 0) return;
              for (const step of got) {
                const id = `${step.runId}/${step.stepId}`;
                assert.equal(claimedBy.get(id), undefined, `${id} claimed twice`);
                claimedBy.set(id, `w${w}`);
                await store.releaseStep(step.runId, step.stepId, `w${w}`, { status: 'done' });
              }
            }
          }),
        );
        assert.equal(claimedBy.size, total);
      },
    ],
    [
      'journal payloads must be JSON without secrets',
      async (store) => {
        await rejectsWith(
          store.putRun({ id: 'r1', status: 'x', payload: { key: new Secret('s') } as unknown as JsonValue }),
          'invalid_input',
        );
        await rejectsWith(
          store.putStep({ runId: 'r1', stepId: 's', status: 'x', payload: [1n] as unknown as JsonValue }),
          'invalid_input',
        );
        assert.equal(await store.getRun('r1'), undefined);
      },
    ],
    [
      'putSteps refuses a whole batch when one step is invalid, writing none of it',
      async (store) => {
        const good = { runId: 'rb', stepId: 's1', status: 'pending', payload: { n: 1 } };
        const bad: unknown[] = [
          { ...good, stepId: '' },
          { ...good, status: 'x'.repeat(65) },
          { stepId: 's2', status: 'pending' },
          null,
          { ...good, stepId: 's3', payload: { key: new Secret('s') } },
        ];
        for (const step of bad) {
          await rejectsWith(
            store.putSteps([good, step] as unknown as Parameters<Store['putSteps']>[0]),
            'invalid_input',
          );
        }
        assert.equal(await store.getStep('rb', 's1'), undefined);
      },
    ],
    // ---- tasks ----------------------------------------------------------------
    [
      'tasks are upserted and listed by kind and status, page by page',
      async (store, clock) => {
        for (let i = 0; i < 25; i++) {
          await store.putTask({
            id: `t${String(i).padStart(2, '0')}`,
            kind: i % 2 === 0 ? 'manual_revoke' : 'ticket',
            status: i % 5 === 0 ? 'closed' : 'open',
            payload: { i },
          });
        }
        clock.advance(10);
        const closed = await store.putTask({
          id: 't01',
          kind: 'ticket',
          status: 'closed',
          payload: { done: true },
        });
        assert.equal(closed.updatedAt, closed.createdAt + 10);
        assert.deepEqual(await store.getTask('t01'), closed);
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listTasks({
            kind: 'manual_revoke',
            status: 'open',
            limit: 4,
            ...(cursor ? { cursor } : {}),
          });
          seen.push(...page.items.map((t) => t.id));
          cursor = page.nextCursor;
        } while (cursor);
        assert.deepEqual(seen, ['t02', 't04', 't06', 't08', 't12', 't14', 't16', 't18', 't22', 't24']);
        assert.equal((await store.listTasks({ status: 'closed' })).items.length, 6);
        assert.equal(await store.getTask('none'), undefined);
      },
    ],
  ];

  return cases.map(([name, body]) => ({ name, run: check(body) }));
}
