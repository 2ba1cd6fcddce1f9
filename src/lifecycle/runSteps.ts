import type { BoundConnector } from '../connector/BoundConnector';
import { isLifelineError } from '../errors';
import type { Identity, LifecycleEvent } from '../model';
import { sleep } from '../resilience/sleep';
import { isFinished } from '../revocation/RevocationOutcome';
import { revoke } from '../revocation/revoke';
import type { VerifyOptions } from '../revocation/verifyRevocation';
import type { Store } from '../stores/Store';
import { recordRevocation } from '../telemetry/metrics';
import { ATTR, SPAN_NAMES } from '../telemetry/names';
import { withSpan } from '../telemetry/withSpan';
import type { AccessResult } from './AccessOutcome';
import { type AuditScope, auditStep } from './auditStep';
import { createAccount } from './createAccount';
import type { Fallback } from './fallbacks/Fallback';
import { grantEntitlement } from './grantEntitlement';
import { objectIdOf, type Step, type StepResult } from './Step';

/** Progress of a run, for a progress bar. */
export interface ProgressEvent {
  readonly runId: string;
  readonly total: number;
  readonly settled: number;
  readonly done: number;
  readonly escalated: number;
  readonly failed: number;
}

/** What the executor needs. */
export interface RunStepsContext {
  readonly runId: string;
  readonly event: LifecycleEvent;
  readonly identity?: Identity | undefined;
  readonly connectors: Readonly<Record<string, BoundConnector>>;
  readonly store: Store;
  readonly audit: AuditScope['audit'];
  readonly fallbacks: readonly Fallback[];
  readonly dryRun: boolean;
  readonly concurrency: { readonly total: number; readonly perConnector: number };
  /** How long a step keeps retrying retryable failures (outage, open breaker) before it is escalated. */
  readonly stepDeadlineMs: number;
  readonly verify?: Omit<VerifyOptions, 'signal'> | undefined;
  readonly owner?: string | undefined;
  /** Ledger lease of one revocation (default 60 s); a restarted worker with another owner waits for it. */
  readonly leaseMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onSettled: (step: Step, result: StepResult) => Promise<void> | void;
}

/** Longest wait for the audit log before a finished step is journaled. */
const AUDIT_FLUSH_MS = 1000;
/** How long the run stops waiting for an audit log that timed out. */
const AUDIT_SKIP_MS = 30_000;

const RETRYABLE = new Set(['transient', 'timeout', 'rate_limited', 'circuit_open', 'conflict']);

interface Failure {
  readonly code: string;
  readonly message: string;
}

async function escalate(
  ctx: RunStepsContext,
  step: Step,
  reason: Failure,
): Promise<{ fallback: string; receipt: string } | undefined> {
  for (const fallback of ctx.fallbacks) {
    try {
      const receipt = await fallback.escalate({
        runId: ctx.runId,
        step,
        event: ctx.event,
        ...(ctx.identity === undefined ? {} : { identity: ctx.identity }),
        reason,
        store: ctx.store,
        connectors: ctx.connectors,
        ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
      });
      if (receipt !== undefined) return receipt;
    } catch {
      // This fallback could not take the step; try the next one.
    }
  }
  return undefined;
}

/** A step error as reported: its taxonomy code (or `permanent`) and a bounded message. */
function failureOf(error: unknown): Failure {
  return {
    code: isLifelineError(error) ? error.code : 'permanent',
    message: (error as Error)?.message?.slice(0, 2048) ?? 'unknown error',
  };
}

/** Why an outcome did not finish its step: its error, or that it was not verified. */
function outcomeFailure(outcome: {
  readonly status: string;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  readonly evidence?: { readonly observed?: string } | undefined;
}): Failure {
  return outcome.error === undefined
    ? {
        code: 'unverified',
        message: `${outcome.status} but not verified (${outcome.evidence?.observed ?? 'no read-back'})`,
      }
    : { code: outcome.error.code, message: outcome.error.message };
}

/** Retries a step's retryable failures with backoff (250 ms doubling to 5 s) until its deadline. */
class StepBackoff {
  #delay = 250;
  constructor(
    private readonly deadline: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Waits and returns true when `code` is retryable and the deadline has not passed. */
  async retry(code: string): Promise<boolean> {
    if (!RETRYABLE.has(code) || Date.now() >= this.deadline) return false;
    await sleep(
      Math.min(this.#delay, Math.max(0, this.deadline - Date.now())),
      this.signal,
      'lifecycle.step',
    );
    this.#delay = Math.min(this.#delay * 2, 5000);
    return true;
  }
}

/** Runs one step to a final state: verified, escalated with a receipt, or failed. */
async function runStep(
  ctx: RunStepsContext,
  step: Step,
  prerequisite: StepResult | undefined,
): Promise<StepResult> {
  const started = Date.now();
  const bound = ctx.connectors[step.connector];
  const base = {
    stepId: step.id,
    connector: step.connector,
    action: step.action,
    objectId: objectIdOf(step),
    ...(step.label === undefined ? {} : { label: step.label }),
  };
  const finish = async (
    outcome: StepResult['outcome'],
    failure: Failure,
    attempts: number,
    extra: Partial<StepResult> = {},
  ): Promise<StepResult> => {
    const escalation = await escalate(ctx, step, failure);
    return {
      ...base,
      ...extra,
      state: escalation === undefined ? 'failed' : 'escalated',
      outcome: escalation === undefined ? outcome : 'escalated',
      verified: false,
      attempts,
      durationMs: Date.now() - started,
      error: failure,
      ...(escalation === undefined ? {} : { escalation: { ...escalation, reason: failure.code } }),
    };
  };
  if (ctx.dryRun) {
    return { ...base, state: 'planned', outcome: 'planned', verified: false, attempts: 0, durationMs: 0 };
  }
  if (step.notBefore !== undefined && Date.parse(step.notBefore) > Date.now()) {
    return { ...base, state: 'scheduled', outcome: 'scheduled', verified: false, attempts: 0, durationMs: 0 };
  }
  if (step.action === 'account.create' || step.action === 'entitlement.grant') {
    return runAccessStep(ctx, step, prerequisite, started, base, finish);
  }
  if (bound === undefined || step.target === undefined) {
    return finish(
      'failed',
      { code: 'unsupported', message: `no connector ${step.connector} in this lifecycle` },
      0,
    );
  }
  if (step.phase === 2 && (prerequisite === undefined || prerequisite.state !== 'done')) {
    return finish(
      'failed',
      { code: 'permanent', message: 'the account was not verified disabled; delete withheld' },
      0,
    );
  }
  const backoff = new StepBackoff(started + ctx.stepDeadlineMs, ctx.signal);
  let attempts = 0;
  for (;;) {
    attempts++;
    let failure: Failure;
    let extra: Partial<StepResult> = {};
    try {
      const outcome = await revoke(bound, step.target, {
        store: ctx.store,
        eventId: ctx.event.id,
        ...(ctx.owner === undefined ? {} : { owner: ctx.owner }),
        ...(ctx.leaseMs === undefined ? {} : { leaseMs: ctx.leaseMs }),
        ...(ctx.verify === undefined ? {} : { verify: ctx.verify }),
        ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
      });
      const adapterVersion = outcome.evidence?.adapterVersion ?? bound.adapterVersion;
      extra = {
        ...(outcome.evidence === undefined ? {} : { evidence: outcome.evidence }),
        ...(adapterVersion === undefined ? {} : { adapterVersion }),
      };
      if (isFinished(outcome)) {
        return {
          ...base,
          ...extra,
          state: 'done',
          outcome: outcome.status,
          verified: true,
          attempts,
          durationMs: Date.now() - started,
        };
      }
      failure = outcomeFailure(outcome);
      if (outcome.error !== undefined && (await backoff.retry(outcome.error.code))) continue;
      return finish(outcome.status === 'failed' ? 'failed' : outcome.status, failure, attempts, extra);
    } catch (error) {
      failure = failureOf(error);
      if (ctx.signal?.aborted) throw error;
      if (await backoff.retry(failure.code)) continue;
      return finish('failed', failure, attempts, extra);
    }
  }
}

type Finish = (
  outcome: StepResult['outcome'],
  failure: Failure,
  attempts: number,
  extra?: Partial<StepResult>,
) => Promise<StepResult>;

/**
 * Runs a joiner/mover step (create an account, grant an entitlement) to a final
 * state. A grant of a created account waits for its create (`prerequisite`)
 * and uses the created id; when the create did not end verified, the grant is
 * withheld and escalated.
 */
async function runAccessStep(
  ctx: RunStepsContext,
  step: Step,
  prerequisite: StepResult | undefined,
  started: number,
  base: Pick<StepResult, 'stepId' | 'connector' | 'action' | 'objectId' | 'label'>,
  finish: Finish,
): Promise<StepResult> {
  const bound = ctx.connectors[step.connector];
  if (bound === undefined) {
    return finish(
      'failed',
      { code: 'unsupported', message: `no connector ${step.connector} in this lifecycle` },
      0,
    );
  }
  let account: { id: string; username?: string } | undefined;
  let objectId = base.objectId;
  if (step.action === 'entitlement.grant') {
    if (step.grant?.accountId !== undefined) {
      account = {
        id: step.grant.accountId,
        ...(step.grant.username === undefined ? {} : { username: step.grant.username }),
      };
    } else if (prerequisite?.state === 'done' && prerequisite.account !== undefined) {
      account = prerequisite.account;
      objectId = `${account.id}/${step.grant?.entitlementId ?? ''}`;
    } else {
      return finish(
        'failed',
        { code: 'permanent', message: 'the account was not created and verified; grant withheld' },
        0,
      );
    }
  } else if (ctx.identity === undefined) {
    return finish(
      'failed',
      { code: 'invalid_input', message: 'an account.create step needs the identity' },
      0,
    );
  }
  const options = {
    store: ctx.store,
    eventId: ctx.event.id,
    ...(ctx.owner === undefined ? {} : { owner: ctx.owner }),
    ...(ctx.verify === undefined
      ? {}
      : {
          verify: {
            ...(ctx.verify.attempts === undefined ? {} : { attempts: ctx.verify.attempts }),
            ...(ctx.verify.initialDelayMs === undefined ? {} : { initialDelayMs: ctx.verify.initialDelayMs }),
            ...(ctx.verify.maxDelayMs === undefined ? {} : { maxDelayMs: ctx.verify.maxDelayMs }),
          },
        }),
    ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
  };
  const backoff = new StepBackoff(started + ctx.stepDeadlineMs, ctx.signal);
  let attempts = 0;
  for (;;) {
    attempts++;
    let failure: Failure;
    let extra: Partial<StepResult> = objectId === base.objectId ? {} : { objectId };
    try {
      const outcome: AccessResult =
        account === undefined
          ? await createAccount(
              bound,
              {
                identity: ctx.identity as Identity,
                ...(step.grant?.username === undefined ? {} : { username: step.grant.username }),
              },
              options,
            )
          : await grantEntitlement(
              bound,
              {
                account,
                entitlement: {
                  id: step.grant?.entitlementId ?? '',
                  ...(step.grant?.entitlementKind === undefined ? {} : { kind: step.grant.entitlementKind }),
                },
              },
              options,
            );
      const adapterVersion = outcome.evidence?.adapterVersion ?? bound.adapterVersion;
      extra = {
        ...extra,
        ...(outcome.evidence === undefined ? {} : { evidence: outcome.evidence }),
        ...(adapterVersion === undefined ? {} : { adapterVersion }),
        ...(outcome.account === undefined
          ? {}
          : {
              account: {
                id: outcome.account.id,
                ...(outcome.account.username === undefined ? {} : { username: outcome.account.username }),
              },
            }),
      };
      if (outcome.status !== 'failed' && outcome.verified) {
        return {
          ...base,
          ...extra,
          state: 'done',
          outcome: outcome.status,
          verified: true,
          attempts,
          durationMs: Date.now() - started,
        };
      }
      failure = outcomeFailure(outcome);
      if (outcome.error?.retryable === true && (await backoff.retry(outcome.error.code))) continue;
      return finish(outcome.status, failure, attempts, extra);
    } catch (error) {
      // Errors thrown here come from the ledger or from bad input, never from an uncertain create.
      failure = failureOf(error);
      if (ctx.signal?.aborted) throw error;
      if (await backoff.retry(failure.code)) continue;
      return finish('failed', failure, attempts, extra);
    }
  }
}

/** A counting semaphore. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  get available(): boolean {
    return this.#free > 0;
  }
  take(): void {
    this.#free--;
  }
  give(): void {
    this.#free++;
    this.#waiting.shift()?.();
  }
}

/**
 * Runs a plan's steps with bounded concurrency (overall and per connector).
 * Steps of different connectors and independent steps of one connector never
 * wait on each other; an account's disable waits for its own revocations to
 * settle, and its delete for a verified disable. `previous` holds results of a
 * resumed run: final ones are kept, the rest run again (the ledger makes that
 * safe).
 *
 * @example
 * ```ts
 * const results = await runSteps(ctx, plan.steps, new Map());
 * ```
 */
export async function runSteps(
  ctx: RunStepsContext,
  steps: readonly Step[],
  previous: ReadonlyMap<string, StepResult>,
  onProgress?: (event: ProgressEvent) => void,
): Promise<Map<string, StepResult>> {
  const results = new Map<string, StepResult>();
  const scope: AuditScope = { audit: ctx.audit, runId: ctx.runId, event: ctx.event, identity: ctx.identity };
  const pendingByGroup = new Map<string, number>();
  const laterByGroup = new Map<string, Step[]>();
  const queues = new Map<string, Step[]>();
  const perConnector = new Map<string, Slots>();
  const total = steps.length;
  let settled = 0;
  let done = 0;
  let escalated = 0;
  let failed = 0;

  const isFinal = (r: StepResult | undefined) =>
    r !== undefined && (r.state === 'done' || r.state === 'escalated');
  const enqueue = (step: Step) => {
    let queue = queues.get(step.connector);
    if (queue === undefined) {
      queue = [];
      queues.set(step.connector, queue);
      perConnector.set(step.connector, new Slots(ctx.concurrency.perConnector));
    }
    queue.push(step);
  };

  for (const step of steps) {
    if (step.phase === 0) {
      pendingByGroup.set(step.group, (pendingByGroup.get(step.group) ?? 0) + 1);
    } else {
      const later = laterByGroup.get(step.group) ?? [];
      later.push(step);
      laterByGroup.set(step.group, later);
    }
  }

  // A sink that hangs or fails must not slow revocations: each flush waits at
  // most AUDIT_FLUSH_MS, and after one that timed out the run stops waiting for
  // AUDIT_SKIP_MS (events stay queued; the emitter retries and dead-letters them).
  let skipFlushUntil = 0;
  const flushAudit = async (): Promise<void> => {
    if (ctx.audit === undefined || Date.now() < skipFlushUntil) return;
    try {
      await ctx.audit.flush({ signal: AbortSignal.timeout(AUDIT_FLUSH_MS) });
    } catch {
      skipFlushUntil = Date.now() + AUDIT_SKIP_MS;
    }
  };

  const record = async (step: Step, result: StepResult) => {
    results.set(step.id, result);
    settled++;
    if (result.state === 'done') done++;
    else if (result.state === 'escalated') escalated++;
    else if (result.state === 'failed') failed++;
    await ctx.onSettled(step, result);
    onProgress?.({ runId: ctx.runId, total, settled, done, escalated, failed });
  };

  const release = (step: Step) => {
    if (step.phase === 0) {
      const left = (pendingByGroup.get(step.group) ?? 1) - 1;
      pendingByGroup.set(step.group, left);
      if (left === 0)
        for (const next of laterByGroup.get(step.group) ?? []) if (next.phase === 1) enqueue(next);
    } else if (step.phase === 1) {
      for (const next of laterByGroup.get(step.group) ?? []) if (next.phase === 2) enqueue(next);
    }
  };

  const createOf = new Map<string, string>();
  for (const step of steps) if (step.action === 'account.create') createOf.set(step.group, step.id);
  const prerequisiteOf = (step: Step): StepResult | undefined => {
    if (step.phase === 2) return disableOf(step);
    if (step.action !== 'entitlement.grant') return undefined;
    const create = createOf.get(step.group);
    return create === undefined ? undefined : (results.get(create) ?? previous.get(create));
  };

  const disableOf = (step: Step): StepResult | undefined => {
    const disable = (laterByGroup.get(step.group) ?? []).find((s) => s.phase === 1);
    if (disable === undefined) return { ...({} as StepResult), state: 'done' }; // already disabled before the run
    return results.get(disable.id) ?? previous.get(disable.id);
  };

  for (const step of steps) if (step.phase === 0) enqueue(step);
  for (const [group, later] of laterByGroup) {
    if ((pendingByGroup.get(group) ?? 0) === 0) for (const step of later) if (step.phase === 1) enqueue(step);
    if (!later.some((s) => s.phase === 1)) for (const step of later) if (step.phase === 2) enqueue(step);
  }

  const global = new Slots(ctx.concurrency.total);
  let running = 0;
  let resolveIdle: (() => void) | undefined;
  let failure: unknown;

  const pump = (): void => {
    let started = true;
    while (started && global.available && failure === undefined) {
      started = false;
      for (const [connector, queue] of queues) {
        if (!global.available) break;
        const slots = perConnector.get(connector) as Slots;
        if (queue.length === 0 || !slots.available) continue;
        const step = queue.shift() as Step;
        started = true;
        const kept = previous.get(step.id);
        if (isFinal(kept)) {
          void Promise.resolve().then(async () => {
            results.set(step.id, kept as StepResult);
            settled++;
            if (kept?.state === 'done') done++;
            else escalated++;
            release(step);
            pump();
            if (running === 0 && [...queues.values()].every((q) => q.length === 0)) resolveIdle?.();
          });
          continue;
        }
        global.take();
        slots.take();
        running++;
        const prerequisite = prerequisiteOf(step);
        withSpan(
          SPAN_NAMES.step,
          async (span) => {
            const result = await runStep(ctx, step, prerequisite);
            if (result.state === 'failed' && span.isRecording()) {
              span.setAttribute(ATTR.errorType, result.error?.code ?? 'unverified');
            }
            return result;
          },
          {
            attributes: () => ({
              [ATTR.runId]: ctx.runId,
              [ATTR.stepId]: step.id,
              [ATTR.action]: step.action,
              [ATTR.connectorId]: step.connector,
            }),
          },
        )
          .then(async (result) => {
            if (
              result.outcome !== 'planned' &&
              result.outcome !== 'scheduled' &&
              result.outcome !== 'skipped' &&
              result.outcome !== 'applied' &&
              result.outcome !== 'already_present' &&
              step.action !== 'account.create' &&
              step.action !== 'entitlement.grant'
            ) {
              recordRevocation(result.outcome, {
                connector: step.connector,
                action: step.action,
                verified: result.verified,
              });
            }
            auditStep(scope, ctx.connectors[step.connector], step, result);
            // The terminal event must be durable before the journal says the step is
            // finished: a crash in between would otherwise lose it for good (a crash
            // after the flush replays the same event id instead).
            if (ctx.audit !== undefined && result.state !== 'planned') await flushAudit();
            await record(step, result);
          })
          .catch((error: unknown) => {
            failure = error;
          })
          .finally(() => {
            running--;
            global.give();
            slots.give();
            release(step);
            pump();
            if (
              running === 0 &&
              ([...queues.values()].every((q) => q.length === 0) || failure !== undefined)
            ) {
              resolveIdle?.();
            }
          });
      }
    }
  };

  await new Promise<void>((resolve) => {
    resolveIdle = resolve;
    pump();
    if (running === 0 && [...queues.values()].every((q) => q.length === 0)) resolve();
  });
  // Kept results resolve asynchronously; wait until every step is accounted for.
  for (let spin = 0; results.size < steps.length && failure === undefined && spin < 1000; spin++) {
    await new Promise((resolve) => setImmediate(resolve));
    pump();
  }
  if (failure !== undefined) throw failure;
  return results;
}
