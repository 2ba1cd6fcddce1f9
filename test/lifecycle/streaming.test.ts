/**
 * Streamed runs (issue 7: "plans are streamed, so 100k steps run in bounded
 * memory"): the runner reads steps from a stream with a bounded read-ahead,
 * keeps counts rather than results, releases an account's dependent steps on
 * its own prerequisites only, and a large run's report omits the step list
 * while `steps(runId)` still streams every result from the journal.
 */
import {
  type BoundConnector,
  createLifecycle,
  createResiliencePolicy,
  defineConnector,
  type LifecycleReport,
  memoryStore,
  type RunStepsContext,
  runStepStream,
  type Step,
  type StepEntry,
  type StepResult,
  staticCredential,
} from 'lifeline';
import { createFakeTarget } from 'lifeline/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { acme } from '../../examples/acme';

const event = {
  id: 'evt-stream',
  type: 'emergency_revoke' as const,
  reason: 'key leak',
  actor: { kind: 'system' as const, id: 'test' },
  requestedAt: '2026-11-26T00:00:00.000Z',
};

function revokeStep(group: number, key: number): Step {
  return {
    id: `acme:credential.revoke:g${String(group).padStart(5, '0')}k${key}`,
    connector: 'acme',
    group: `acme/g${group}`,
    action: 'credential.revoke',
    phase: 0,
    target: { kind: 'credential', credential: { id: `g${group}k${key}` }, account: { id: `g${group}` } },
  };
}

/** A runner context of one test: dry run, no connectors, a fresh memory store, `overrides` on top. */
function runContext(
  overrides: Partial<RunStepsContext> & Pick<RunStepsContext, 'runId' | 'onSettled'>,
): RunStepsContext {
  return {
    event,
    connectors: {},
    store: memoryStore(),
    audit: undefined,
    fallbacks: [],
    dryRun: true,
    concurrency: { total: 4, perConnector: 4 },
    stepDeadlineMs: 1000,
    ...overrides,
  };
}

function accountStep(group: number, action: 'disable' | 'delete'): Step {
  return {
    id: `acme:account.${action}:g${group}`,
    connector: 'acme',
    group: `acme/g${group}`,
    action: action === 'disable' ? 'account.disable' : 'account.delete',
    phase: action === 'disable' ? 1 : 2,
    target: { kind: 'account', account: { id: `g${group}` }, action },
  };
}

describe('the streaming runner', () => {
  it('runs 20,000 streamed steps holding a bounded read-ahead, settles each once, and releases each account on its own steps', async () => {
    const GROUPS = 5000;
    const KEYS = 4;
    const DEPENDENT = 10; // the first ten accounts are also disabled, then deleted
    const later: StepEntry[] = [];
    const unsettled = new Map<string, number>();
    for (let group = 0; group < DEPENDENT; group++) {
      later.push({ step: accountStep(group, 'disable') }, { step: accountStep(group, 'delete') });
      unsettled.set(`acme/g${group}`, KEYS);
    }
    let yielded = 0;
    let settledCount = 0;
    let maxAhead = 0;
    async function* source(): AsyncGenerator<StepEntry> {
      for (let group = 0; group < GROUPS; group++) {
        for (let key = 0; key < KEYS; key++) {
          yielded++;
          maxAhead = Math.max(maxAhead, yielded - settledCount);
          yield { step: revokeStep(group, key) };
        }
        // Dependent steps also appear in the stream (as in the journal); the runner takes them from `later`.
        if (group < DEPENDENT) yield { step: accountStep(group, 'disable') };
      }
    }
    const order: string[] = [];
    const ctx = runContext({
      runId: 'run-stream',
      concurrency: { total: 8, perConnector: 8 },
      onSettled: () => {
        throw new Error('the batch hook is used');
      },
      onSettledBatch: async (batch) => {
        for (const { step } of batch) order.push(step.id);
        settledCount += batch.length;
      },
    });
    const tally = await runStepStream(ctx, {
      total: GROUPS * KEYS + 2 * DEPENDENT,
      later,
      unsettled,
      steps: source(),
    });

    expect(tally.summary()).toMatchObject({ total: GROUPS * KEYS + 2 * DEPENDENT, planned: 20_020 });
    expect(order).toHaveLength(20_020);
    expect(new Set(order).size).toBe(20_020);
    // Read-ahead: about twice the concurrency (at least 64) plus the steps in flight, never the plan.
    expect(maxAhead).toBeLessThanOrEqual(64 + 8 + 1);
    const at = (id: string) => order.indexOf(id);
    for (let group = 0; group < DEPENDENT; group++) {
      const disable = at(accountStep(group, 'disable').id);
      const keys = Array.from({ length: KEYS }, (_, key) => at(revokeStep(group, key).id));
      expect(Math.max(...keys)).toBeLessThan(disable);
      expect(disable).toBeLessThan(at(accountStep(group, 'delete').id));
      // Released on its own account's steps, long before the stream ends.
      expect(disable).toBeLessThan(1000);
    }
  });

  it('keeps journaled final results without running them, and runs the rest (a resumed stream)', async () => {
    const done = (step: Step): StepResult => ({
      stepId: step.id,
      connector: step.connector,
      action: step.action,
      objectId: step.id,
      state: 'done',
      outcome: 'revoked',
      verified: true,
      attempts: 1,
      durationMs: 1,
    });
    const steps = Array.from({ length: 300 }, (_, i) => revokeStep(i, 0));
    const disable = accountStep(0, 'disable');
    const ran: string[] = [];
    const tally = await runStepStream(
      runContext({
        runId: 'run-resumed',
        onSettled: (step) => {
          ran.push(step.id);
        },
      }),
      {
        total: 301,
        // The disable finished before the crash; group 0's key did too.
        later: [{ step: disable, result: done(disable) }],
        unsettled: new Map([['acme/g0', 0]]),
        steps: (async function* () {
          for (const [i, step] of steps.entries())
            yield i % 2 === 0 ? { step, result: done(step) } : { step };
        })(),
      },
    );
    expect(tally.summary()).toMatchObject({ total: 301, done: 151, planned: 150 });
    expect(ran).toHaveLength(150);
    expect(ran.every((id) => Number(id.slice(-7, -2)) % 2 === 1)).toBe(true);
  });
});

/** An in-process connector whose calls take `delayMs`: revoke, then read back as revoked. */
function slowConnector(id: string, delayMs: number): BoundConnector {
  const pause = () => new Promise((resolve) => setTimeout(resolve, delayMs));
  return defineConnector({
    id,
    version: '1.0.0',
    config: z.object({ tenant: z.string() }),
    resilience: false,
    operations: {
      'credential.revoke': async () => {
        await pause();
      },
      'credential.get': async (_ctx, { credential }) => {
        await pause();
        return { id: credential.id, kind: 'api_key' as const, status: 'revoked' as const };
      },
    },
  }).with({ tenant: 't' });
}

describe('the streaming runner across connectors', () => {
  it("starts a later connector's steps while the first one's slots are busy (reads ahead past them)", {
    timeout: 30_000,
  }, async () => {
    const step = (connector: string, i: number): Step => ({
      id: `${connector}:credential.revoke:k${String(i).padStart(4, '0')}`,
      connector,
      group: `${connector}/acc`,
      action: 'credential.revoke',
      phase: 0,
      target: { kind: 'credential', credential: { id: `${connector}-k${i}` }, account: { id: 'acc' } },
    });
    // In step-id order every step of "a" (slow, two slots) comes before any of "b".
    const steps = [
      ...Array.from({ length: 200 }, (_, i) => step('a', i)),
      ...Array.from({ length: 20 }, (_, i) => step('b', i)),
    ];
    const settled: string[] = [];
    const tally = await runStepStream(
      runContext({
        runId: 'run-fair',
        connectors: { a: slowConnector('a', 10), b: slowConnector('b', 1) },
        dryRun: false,
        concurrency: { total: 4, perConnector: 2 },
        stepDeadlineMs: 5000,
        verify: { attempts: 1, initialDelayMs: 1 },
        onSettled: (s) => {
          settled.push(s.connector);
        },
      }),
      {
        total: steps.length,
        later: [],
        unsettled: new Map(),
        steps: (async function* () {
          for (const s of steps) yield { step: s };
        })(),
      },
    );
    expect(tally.summary()).toMatchObject({ total: 220, done: 220 });
    // Every step of "b" finished while "a" was still early in its 200 steps.
    const lastB = settled.lastIndexOf('b');
    const aBefore = settled.slice(0, lastB).filter((c) => c === 'a').length;
    expect(aBefore).toBeLessThan(40);
  });
});

describe('a large emergency revocation through createLifecycle', () => {
  it('omits the step list above maxReportSteps, streams every result from the journal, and revokes each key once', {
    timeout: 60_000,
  }, async () => {
    const target = await createFakeTarget({ seed: 77, tenants: [{ id: 'acme', apiVersion: 'v2' }] });
    try {
      const seeded = target.seed('acme', { accounts: 1500, keysPerAccount: 2 });
      const policy = createResiliencePolicy({ retry: { retries: 2, baseDelayMs: 5 }, timeout: 5000 });
      const bound = acme.with(
        { baseUrl: target.tenantUrl('acme'), tenant: 'acme', pageSize: 1000 },
        staticCredential(target.token('acme')),
        { tenant: 'acme', policy },
      );
      const store = memoryStore();
      const lifeline = createLifecycle({
        connectors: { acme: bound },
        store,
        concurrency: { total: 16, perConnector: 16 },
        verify: { attempts: 3, initialDelayMs: 5 },
        guard: { maxStepsPerConnector: 10_000 },
        maxReportSteps: 1000,
      });
      let progressed = 0;
      const progress = lifeline.onProgress((e) => {
        progressed = e.settled;
        expect(e.total).toBe(3000);
      });
      const report: LifecycleReport = await lifeline.emergencyRevoke({
        runId: 'run-large',
        selector: { createdBefore: '2100-01-01T00:00:00Z' },
        event: { reason: 'key leak', actor: { kind: 'system', id: 'test' } },
      });
      progress.dispose();
      policy.shutdown();

      expect(report.status).toBe('completed');
      expect(report.summary).toMatchObject({ total: 3000, done: 3000, verified: 3000, failed: 0 });
      expect(report.stepsOmitted).toBe(true);
      expect(report.steps).toEqual([]);
      expect(progressed).toBe(3000);
      const results: StepResult[] = [];
      for await (const result of lifeline.steps('run-large')) results.push(result);
      expect(results).toHaveLength(3000);
      expect(results.every((r) => r.state === 'done' && r.verified)).toBe(true);
      expect(seeded.keyIds.filter((id) => target.effects('key', id, 'acme').applied !== 1)).toEqual([]);
      expect(await lifeline.status('run-large')).toMatchObject({ status: 'completed' });
    } finally {
      await target.close();
    }
  });
});

describe('a streamed plan refused by the guard', () => {
  it('leaves nothing a later start under the same run id would run', async () => {
    const target = await createFakeTarget({ seed: 78, tenants: [{ id: 'acme', apiVersion: 'v2' }] });
    try {
      const seeded = target.seed('acme', { accounts: 15, keysPerAccount: 2 });
      const bound = acme.with(
        { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
        staticCredential(target.token('acme')),
        { tenant: 'acme' },
      );
      const lifeline = createLifecycle({
        connectors: { acme: bound },
        store: memoryStore(),
        guard: { maxStepsPerConnector: 10 },
      });
      const request = {
        runId: 'run-refused',
        event: { reason: 'key leak', actor: { kind: 'system' as const, id: 'test' } },
      };
      await expect(
        lifeline.emergencyRevoke({ ...request, selector: { createdBefore: '2100-01-01T00:00:00Z' } }),
      ).rejects.toThrow(/30 steps at acme \(limit 10\)/);
      expect(target.counters().mutations.applied).toBe(0);

      // The same run id, now for two accounts only: the refused plan's 30 journaled steps are not part of it.
      const accounts = seeded.accountIds.slice(0, 2);
      const report = await lifeline.emergencyRevoke({
        ...request,
        selector: { createdBefore: '2100-01-01T00:00:00Z', accountIds: [...accounts] },
      });
      expect(report.summary).toMatchObject({ total: 4, done: 4 });
      expect(report.steps).toHaveLength(4);
      expect(target.counters().mutations.applied).toBe(4);
      const results: StepResult[] = [];
      for await (const result of lifeline.steps('run-refused')) results.push(result);
      expect(results).toHaveLength(4);
    } finally {
      await target.close();
    }
  });
});
