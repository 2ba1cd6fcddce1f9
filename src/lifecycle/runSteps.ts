import type { BoundConnector } from '../connector/BoundConnector';
import { isLifelineError } from '../errors';
import type { Identity, LifecycleEvent } from '../model';
import { sleep } from '../resilience/sleep';
import { isFinished } from '../revocation/RevocationOutcome';
import { type RevokeOptions, revoke } from '../revocation/revoke';
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
import { isFinalResult, JOURNAL_PAGE, type RunShape, type StepEntry } from './journal';
import { RunTally } from './RunTally';
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
  /** Called with each finished step (its result durable in audit); the journal write. */
  readonly onSettled: (step: Step, result: StepResult) => Promise<void> | void;
  /** When set, called instead of `onSettled` with the steps finished together (one journal write). */
  readonly onSettledBatch?:
    | ((settled: readonly { readonly step: Step; readonly result: StepResult }[]) => Promise<void> | void)
    | undefined;
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

const revokeOptions = new WeakMap<RunStepsContext, RevokeOptions>();

/** The options every revocation of a run shares, built once per run. */
function revokeOptionsOf(ctx: RunStepsContext): RevokeOptions {
  let options = revokeOptions.get(ctx);
  if (options === undefined) {
    options = {
      store: ctx.store,
      eventId: ctx.event.id,
      ...(ctx.owner === undefined ? {} : { owner: ctx.owner }),
      ...(ctx.leaseMs === undefined ? {} : { leaseMs: ctx.leaseMs }),
      ...(ctx.verify === undefined ? {} : { verify: ctx.verify }),
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    };
    revokeOptions.set(ctx, options);
  }
  return options;
}

/** Runs one step to a final state: verified, escalated with a receipt, or failed. */
/** The result of a verified step: `done`. */
function done(
  base: Pick<StepResult, 'stepId' | 'connector' | 'action' | 'objectId' | 'label'>,
  started: number,
  outcome: StepResult['outcome'],
  attempts: number,
  extra: Partial<StepResult>,
): StepResult {
  return {
    ...base,
    ...extra,
    state: 'done',
    outcome,
    verified: true,
    attempts,
    durationMs: Date.now() - started,
  };
}

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
      const outcome = await revoke(bound, step.target, revokeOptionsOf(ctx));
      const adapterVersion = outcome.evidence?.adapterVersion ?? bound.adapterVersion;
      extra = {
        ...(outcome.evidence === undefined ? {} : { evidence: outcome.evidence }),
        ...(adapterVersion === undefined ? {} : { adapterVersion }),
      };
      if (isFinished(outcome)) {
        return done(base, started, outcome.status, attempts, extra);
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
        return done(base, started, outcome.status, attempts, extra);
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
  }
}

/** A first-in first-out queue whose `shift` is O(1) at any length. */
class Fifo<T> {
  #items: T[] = [];
  #head = 0;
  get length(): number {
    return this.#items.length - this.#head;
  }
  push(item: T): void {
    this.#items.push(item);
  }
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#head++;
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

/**
 * A run's steps as {@link runStepStream} reads them: its shape (the dependent
 * steps held in memory, see `RunShape`) and every other step as a lazily read
 * stream (e.g. pages of the journal).
 */
export interface StepStream extends RunShape {
  /**
   * Every step of the run with its journaled result, if any, in any order.
   * Steps of phase 1 and 2 are taken from `later` and skipped here; steps
   * with a final result (`done`, `escalated`) are counted, not run again.
   */
  readonly steps: AsyncIterable<StepEntry>;
}

/** A dependent step held by the runner, with its result once settled. */
interface Held {
  readonly step: Step;
  result: StepResult | undefined;
}

/** The dependent steps of one group (account) and how far they are released. */
interface Group {
  readonly held: Held[];
  /** 0: waiting for the group's phase-0 steps; 1: phase 1 released; 2: phase 2 released. */
  stage: 0 | 1 | 2;
  /** Phase-1 steps not settled yet (phase 2 waits for them). */
  pendingPhase1: number;
}

/** Most steps read ahead of a connector whose slots are all busy, so other connectors' steps can start. */
const READ_AHEAD = 10_000;

/**
 * Runs a run's steps, streamed, with bounded concurrency (overall and per
 * connector), and resolves the run's counts. The runner holds the steps in
 * flight, a read-ahead buffer (about twice the overall concurrency; up to
 * 10,000 when the steps next in the stream belong to a connector whose slots
 * are all busy, so other connectors are not held up), the dependent steps
 * (`later`), and counts — never every step or result, so 100,000 steps run in
 * bounded memory.
 *
 * An account's disable waits for its own phase-0 steps to settle and its
 * delete for a verified disable; a grant waits for its account's create.
 * Finished steps are handed to `ctx.onSettledBatch` (else `ctx.onSettled`) in
 * group commits: the steps that finished in one turn of the event loop are
 * journaled together, after one audit flush, and each step keeps its
 * concurrency slot until its commit is written, so at most `concurrency.total`
 * steps are ever finished but not journaled.
 *
 * @example
 * ```ts
 * const shape = await readRunShape(store, runId);
 * const tally = await runStepStream(ctx, { ...shape, steps: journalSteps(store, runId) });
 * console.log(tally.summary());
 * ```
 */
export async function runStepStream(
  ctx: RunStepsContext,
  input: StepStream,
  onProgress?: (event: ProgressEvent) => void,
): Promise<RunTally> {
  const tally = new RunTally();
  const scope: AuditScope = { audit: ctx.audit, runId: ctx.runId, event: ctx.event, identity: ctx.identity };
  const total = input.total;
  const lowWater = Math.max(2 * ctx.concurrency.total, 64);
  const queues = new Map<string, Fifo<Held>>();
  const perConnector = new Map<string, Slots>();
  const global = new Slots(ctx.concurrency.total);
  const unsettled = input.unsettled;
  const groups = new Map<string, Group>();
  const creates = new Map<string, StepResult>();
  let buffered = 0;
  let running = 0;
  let exhausted = false;
  let filling = false;
  let failure: unknown;
  let resolveIdle: (() => void) | undefined;

  for (const entry of input.later) {
    let group = groups.get(entry.step.group);
    if (group === undefined) {
      group = { held: [], stage: 0, pendingPhase1: 0 };
      groups.set(entry.step.group, group);
    }
    group.held.push({ step: entry.step, result: entry.result });
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

  // Group commit: the steps that finished in one turn of the event loop are
  // journaled in one write, after one audit flush. The terminal audit event
  // must be durable before the journal says the step is finished: a crash in
  // between would otherwise lose it for good (a crash after the flush replays
  // the same event id instead).
  interface Commit {
    readonly step: Step;
    readonly result: StepResult;
    readonly resolve: () => void;
    readonly reject: (error: unknown) => void;
  }
  let commits: Commit[] = [];
  let committing = false;
  const drainCommits = async (): Promise<void> => {
    while (commits.length > 0) {
      const batch = commits.length <= JOURNAL_PAGE ? commits : commits.slice(0, JOURNAL_PAGE);
      commits = commits.length <= JOURNAL_PAGE ? [] : commits.slice(JOURNAL_PAGE);
      try {
        if (ctx.audit !== undefined && batch.some((c) => c.result.state !== 'planned')) await flushAudit();
        if (ctx.onSettledBatch !== undefined) {
          await ctx.onSettledBatch(batch.map(({ step, result }) => ({ step, result })));
        } else {
          for (const { step, result } of batch) await ctx.onSettled(step, result);
        }
        for (const commit of batch) commit.resolve();
      } catch (error) {
        for (const commit of batch) commit.reject(error);
      }
    }
    committing = false;
  };
  const commit = (step: Step, result: StepResult): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      commits.push({ step, result, resolve, reject });
      if (!committing) {
        committing = true;
        setImmediate(() => void drainCommits());
      }
    });

  const count = (result: StepResult) => {
    tally.add(result);
    onProgress?.({
      runId: ctx.runId,
      total,
      settled: tally.total,
      done: tally.done,
      escalated: tally.escalated,
      failed: tally.failed,
    });
  };

  const enqueue = (held: Held) => {
    let queue = queues.get(held.step.connector);
    if (queue === undefined) {
      queue = new Fifo<Held>();
      queues.set(held.step.connector, queue);
      perConnector.set(held.step.connector, new Slots(ctx.concurrency.perConnector));
    }
    queue.push(held);
    buffered++;
  };

  /** Releases a dependent step: kept when final, else queued to run. */
  const releaseHeld = (group: Group, held: Held) => {
    if (isFinalResult(held.result)) {
      count(held.result);
      settledLater(group, held);
    } else {
      enqueue(held);
    }
  };
  const openPhase2 = (group: Group) => {
    if (group.stage === 2) return;
    group.stage = 2;
    for (const held of group.held) if (held.step.phase === 2) releaseHeld(group, held);
  };
  const openPhase1 = (group: Group) => {
    if (group.stage !== 0) return;
    group.stage = 1;
    const phase1 = group.held.filter((held) => held.step.phase === 1);
    group.pendingPhase1 = phase1.length;
    if (phase1.length === 0) openPhase2(group);
    else for (const held of phase1) releaseHeld(group, held);
  };
  function settledLater(group: Group, held: Held) {
    if (held.step.phase !== 1) return;
    group.pendingPhase1--;
    if (group.pendingPhase1 <= 0) openPhase2(group);
  }
  const settledPhase0 = (step: Step) => {
    const group = groups.get(step.group);
    if (group === undefined) return;
    const left = (unsettled.get(step.group) ?? 1) - 1;
    unsettled.set(step.group, left);
    if (left <= 0) openPhase1(group);
  };

  const prerequisiteOf = (step: Step): StepResult | undefined => {
    if (step.phase === 2) {
      const disable = groups.get(step.group)?.held.find((held) => held.step.phase === 1);
      if (disable === undefined) return { ...({} as StepResult), state: 'done' }; // already disabled before the run
      return disable.result;
    }
    if (step.action !== 'entitlement.grant') return undefined;
    return creates.get(step.group);
  };

  /** Takes one streamed step: counts a final one, skips a dependent one (held), queues the rest. */
  const accept = (entry: StepEntry) => {
    if (entry.step.phase !== 0) return;
    if (isFinalResult(entry.result)) {
      if (entry.step.action === 'account.create') creates.set(entry.step.group, entry.result);
      count(entry.result);
      return;
    }
    enqueue({ step: entry.step, result: entry.result });
  };

  const startable = (): boolean => {
    for (const [connector, queue] of queues) {
      if (queue.length > 0 && (perConnector.get(connector) as Slots).available) return true;
    }
    return false;
  };
  const wantMore = (): boolean =>
    !exhausted &&
    failure === undefined &&
    (buffered < lowWater || (buffered < READ_AHEAD && global.available && !startable()));

  const iterator = input.steps[Symbol.asyncIterator]();
  const fill = async (): Promise<void> => {
    if (filling) return;
    filling = true;
    try {
      while (wantMore()) {
        const next = await iterator.next();
        if (next.done === true) {
          exhausted = true;
          break;
        }
        accept(next.value);
        pump();
      }
    } catch (error) {
      failure ??= error;
    } finally {
      filling = false;
    }
    pump();
    checkIdle();
  };

  function checkIdle(): void {
    if (running > 0 || filling) return;
    if (failure !== undefined) {
      resolveIdle?.();
      return;
    }
    if (!exhausted || buffered > 0) return;
    // Everything streamed has settled: release what still waits (a group whose
    // phase-0 count was off), so no step is left behind.
    let released = false;
    for (const group of groups.values()) {
      if (group.stage === 2) continue;
      if (group.stage === 0) openPhase1(group);
      else openPhase2(group);
      released = true;
    }
    if (released && buffered > 0) {
      pump();
      return;
    }
    if (released) {
      checkIdle();
      return;
    }
    resolveIdle?.();
  }

  const runOne = (held: Held, slots: Slots) => {
    const step = held.step;
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
        held.result = result;
        if (step.action === 'account.create') creates.set(step.group, result);
        await commit(step, result);
        count(result);
      })
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => {
        running--;
        global.give();
        slots.give();
        if (step.phase === 0) settledPhase0(step);
        else {
          const group = groups.get(step.group);
          if (group !== undefined) settledLater(group, held);
        }
        pump();
        if (wantMore()) void fill();
        checkIdle();
      });
  };

  function pump(): void {
    let started = true;
    while (started && global.available && failure === undefined) {
      started = false;
      for (const [connector, queue] of queues) {
        if (!global.available) break;
        const slots = perConnector.get(connector) as Slots;
        if (queue.length === 0 || !slots.available) continue;
        const held = queue.shift() as Held;
        buffered--;
        started = true;
        runOne(held, slots);
      }
    }
  }

  for (const [name, group] of groups) if ((unsettled.get(name) ?? 0) <= 0) openPhase1(group);
  await new Promise<void>((resolve) => {
    resolveIdle = resolve;
    pump();
    void fill();
  });
  if (failure !== undefined) {
    await iterator.return?.(undefined);
    throw failure;
  }
  return tally;
}
