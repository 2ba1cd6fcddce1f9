import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AuditEmitter } from '../audit/createAuditEmitter';
import type { BoundConnector } from '../connector/BoundConnector';
import { formatIssues, InvalidInputError, issuesFromZod, NotFoundError } from '../errors';
import type { Identity, LifecycleEvent } from '../model';
import { Emitter, type Event } from '../resilience/Event';
import type { VerifyOptions } from '../revocation/verifyRevocation';
import { memoryStore } from '../stores/memoryStore';
import type { Store, TaskRecord } from '../stores/Store';
import { ATTR, SPAN_NAMES } from '../telemetry/names';
import { withSpan } from '../telemetry/withSpan';
import { auditRun } from './auditStep';
import type { Fallback } from './fallbacks/Fallback';
import { closeTask, listTasks } from './fallbacks/manualQueue';
import { checkGuardCounts, countAccounts, type GuardOptions } from './guard';
import {
  journalSteps,
  journalWrite,
  PlanJournal,
  type RunShape,
  readRunShape,
  type StepEntry,
} from './journal';
import { conclude, type LifecycleReport } from './LifecycleReport';
import {
  EmergencyRevokeRequest,
  type EmergencyRevokeRequestInput,
  MoveRequest,
  type MoveRequestInput,
  OffboardRequest,
  type OffboardRequestInput,
  OnboardRequest,
  type OnboardRequestInput,
  type RequestEventInput,
} from './LifecycleRequest';
import { type DiscoveryFailure, type PlanResult, planOffboard, streamEmergencyRevoke } from './plan';
import { planMove, planOnboard } from './planAccess';
import { type ProgressEvent, runStepStream } from './runSteps';
import type { Step, StepResult } from './Step';

/** Options of {@link createLifecycle}. */
export interface LifecycleOptions {
  /** Bound connectors by id (`acme.with(config, credential)`). */
  readonly connectors: Readonly<Record<string, BoundConnector>>;
  /** Ledger and journal; `memoryStore()` by default (use SQLite or PostgreSQL to survive crashes). */
  readonly store?: Store;
  /** Where audit events go. */
  readonly audit?: AuditEmitter;
  /** The fallback chain for steps that cannot complete; the first receipt wins. */
  readonly fallback?: Fallback | readonly Fallback[];
  /** Blast-radius limits (see `checkGuard`). */
  readonly guard?: GuardOptions;
  /** Concurrent steps overall (default 16) and per connector (default 8). */
  readonly concurrency?: { readonly total?: number; readonly perConnector?: number };
  /** How long a step retries retryable failures before escalation (default 60 s). */
  readonly stepDeadlineMs?: number;
  /** Verification settings for every revocation. */
  readonly verify?: Omit<VerifyOptions, 'signal'>;
  /**
   * Above this many steps the report omits the per-step list (default 10,000):
   * a run never holds every result; the list of a smaller run is read back
   * from the journal when it ends. Read a large run's results with `steps(runId)`.
   */
  readonly maxReportSteps?: number;
  /** This worker's lease owner id; keep it stable across restarts of one worker so a resume need not wait for its old leases. */
  readonly owner?: string;
  /** Ledger lease of one revocation in ms (default 60 s); must exceed a call plus its verification. */
  readonly leaseMs?: number;
}

/** Options of one run. */
export interface RunOptions {
  readonly signal?: AbortSignal;
}

/** The lifecycle runner (see {@link createLifecycle}). */
export interface Lifecycle {
  /** Offboards an identity: revoke, disable, (delete); never reports an incomplete run as success. */
  offboard(request: OffboardRequestInput, options?: RunOptions): Promise<LifecycleReport>;
  /**
   * Onboards an identity (joiner): per connector, create its account once
   * (ledger-guarded: a retry or resume never creates twice), then grant each
   * entitlement to the created account, verified by read-back.
   */
  onboard(request: OnboardRequestInput, options?: RunOptions): Promise<LifecycleReport>;
  /**
   * Moves an identity (mover): per connector, remove the entitlements it should
   * no longer have, then (once every removal of the account settled) grant the
   * missing ones.
   */
  move(request: MoveRequestInput, options?: RunOptions): Promise<LifecycleReport>;
  /** Revokes every credential matching a selector across connectors. */
  emergencyRevoke(request: EmergencyRevokeRequestInput, options?: RunOptions): Promise<LifecycleReport>;
  /** Discovers and plans an offboarding without touching anything. */
  plan(request: OffboardRequestInput, options?: RunOptions): Promise<PlanResult>;
  /** Continues a run after a crash: finished steps are kept, the rest run (exactly once, by the ledger). */
  resume(runId: string, options?: RunOptions): Promise<LifecycleReport>;
  /** The journaled status of a run. */
  status(runId: string): Promise<{ readonly status: string; readonly summary?: unknown } | undefined>;
  /** Every step result of a run, streamed from the journal. */
  steps(runId: string): AsyncGenerator<StepResult>;
  /** Open or closed manual remediation tasks. */
  tasks(status?: 'open' | 'closed'): Promise<TaskRecord[]>;
  /** Closes a manual task with a note. */
  closeTask(id: string, note: string): Promise<TaskRecord>;
  /** Progress of running runs. */
  readonly onProgress: Event<ProgressEvent>;
}

const Options = z.object({
  concurrency: z
    .object({ total: z.int().min(1).max(1024).optional(), perConnector: z.int().min(1).max(1024).optional() })
    .optional(),
  stepDeadlineMs: z.int().min(0).max(86_400_000).optional(),
  leaseMs: z.int().min(100).max(86_400_000).optional(),
  maxReportSteps: z.int().min(0).max(10_000_000).optional(),
});

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error);
    throw new InvalidInputError(`Invalid ${what}:\n${formatIssues(issues)}`, { issues });
  }
  return parsed.data;
}

function toEvent(
  input: RequestEventInput | z.output<typeof OffboardRequest>['event'],
  type: LifecycleEvent['type'],
): LifecycleEvent {
  return {
    id: input.id ?? `evt-${randomUUID()}`,
    type: input.type ?? type,
    reason: input.reason,
    actor: input.actor,
    requestedAt: input.requestedAt ?? new Date().toISOString(),
    ...(input.ticket === undefined ? {} : { ticket: input.ticket }),
  };
}

/** What a run journals about itself, enough to resume. */
interface RunPayload {
  readonly kind: LifecycleReport['kind'];
  readonly event: LifecycleEvent;
  readonly identity?: Identity;
  readonly dryRun: boolean;
  readonly connectors: readonly string[];
  readonly startedAt: string;
  readonly failures: readonly DiscoveryFailure[];
  readonly summary?: unknown;
  /** The plan whose journaled steps are this run's (absent in journals written before plans had ids: all steps). */
  readonly plan?: string;
}

/**
 * Creates the lifecycle runner: offboardings, emergency revocations, joiners
 * (`onboard`: create each account once, then grant) and movers (`move`: remove
 * before adding) that complete even when a connector fails. Each connector's access is discovered
 * and planned independently; steps run with bounded concurrency; a step that
 * fails permanently, drifts, stays unverified or sits behind an open breaker
 * past its deadline goes to the fallback chain and becomes `escalated` with a
 * receipt. Runs and steps are journaled in the store, so `resume(runId)`
 * continues after a crash without repeating effects.
 *
 * @example
 * ```ts
 * const lifeline = createLifecycle({
 *   connectors: { acme: acme.with(config, credential) },
 *   store: memoryStore(),
 *   audit: createAuditEmitter({ sinks: [jsonlSink({ path: 'audit.jsonl' })] }),
 *   fallback: [manualQueue()],
 * });
 * const report = await lifeline.offboard({ identity, event: { reason, actor, ticket } });
 * console.log(renderReport(report));
 * ```
 */
export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const parsed = parse(Options, options, 'createLifecycle options');
  const store = options.store ?? memoryStore();
  const fallbacks: readonly Fallback[] =
    options.fallback === undefined
      ? []
      : Array.isArray(options.fallback)
        ? options.fallback
        : [options.fallback as Fallback];
  const concurrency = {
    total: parsed.concurrency?.total ?? 16,
    perConnector: parsed.concurrency?.perConnector ?? 8,
  };
  const stepDeadlineMs = parsed.stepDeadlineMs ?? 60_000;
  const maxReportSteps = parsed.maxReportSteps ?? 10_000;
  const progress = new Emitter<ProgressEvent>();

  const select = (ids: readonly string[] | undefined): Record<string, BoundConnector> => {
    if (ids === undefined) return { ...options.connectors };
    const chosen: Record<string, BoundConnector> = {};
    for (const id of ids) {
      const bound = options.connectors[id];
      if (bound === undefined)
        throw new InvalidInputError(
          `Unknown connector "${id}"; known: ${Object.keys(options.connectors).join(', ')}.`,
        );
      chosen[id] = bound;
    }
    return chosen;
  };

  async function execute(
    runId: string,
    payload: RunPayload,
    shape: RunShape,
    signal: AbortSignal | undefined,
    order?: readonly string[],
  ): Promise<LifecycleReport> {
    const connectors = select(payload.connectors);
    const scope = { audit: options.audit, runId, event: payload.event, identity: payload.identity };
    const startedMs = Date.now();
    if (!payload.dryRun) {
      for (const bound of Object.values(connectors)) {
        if (!bound.usesStaticCredential) continue;
        options.audit?.emit({
          type: 'credential.static_used',
          runId,
          lifecycleEvent: { id: payload.event.id, type: payload.event.type, reason: payload.event.reason },
          actor: payload.event.actor,
          target: { connector: bound.id, connectorVersion: bound.version, tenant: bound.tenant },
          message: `connector ${bound.id} authenticates with a long-lived static credential`,
        });
      }
    }
    const journal = async (settled: readonly { readonly step: Step; readonly result: StepResult }[]) => {
      await store.putSteps(
        settled.map(({ step, result }) => journalWrite(runId, step, result.state, result, payload.plan)),
      );
    };
    const tally = await withSpan(
      SPAN_NAMES.run,
      () =>
        runStepStream(
          {
            runId,
            event: payload.event,
            identity: payload.identity,
            connectors,
            store,
            audit: options.audit,
            fallbacks,
            dryRun: payload.dryRun,
            concurrency,
            stepDeadlineMs,
            verify: options.verify,
            owner: options.owner,
            leaseMs: options.leaseMs,
            signal,
            onSettled: (step, result) => journal([{ step, result }]),
            onSettledBatch: journal,
          },
          { ...shape, steps: journalSteps(store, runId, payload.plan) },
          (event) => progress.emit(event),
        ),
      {
        attributes: () => ({
          [ATTR.runId]: runId,
          [ATTR.lifecycleEventId]: payload.event.id,
          [ATTR.lifecycleEventType]: payload.event.type,
        }),
      },
    );
    const { status, summary, reasons } = conclude(tally.summary(), payload.failures, payload.dryRun);
    const finishedAt = new Date().toISOString();
    await store.putRun({ id: runId, status, payload: { ...payload, summary } as never });
    if (!payload.dryRun) {
      auditRun(
        scope,
        status === 'incomplete' ? 'run.incomplete' : 'run.completed',
        reasons.join('; ') || undefined,
        {
          steps: summary.total,
          escalated: summary.escalated,
          failed: summary.failed,
        },
      );
    }
    // The per-step list is read back from the journal, only for a run small enough to report in full.
    const omitted = summary.total > maxReportSteps;
    // In plan order when the run was planned here, else in step-id order.
    let steps: StepResult[] = [];
    if (!omitted) {
      for await (const { result } of journalSteps(store, runId, payload.plan))
        if (result !== undefined) steps.push(result);
      if (order !== undefined) {
        const byId = new Map(steps.map((result) => [result.stepId, result]));
        const ordered = order.flatMap((id) => {
          const result = byId.get(id);
          byId.delete(id);
          return result === undefined ? [] : [result];
        });
        steps = [...ordered, ...byId.values()];
      }
    }
    return {
      runId,
      kind: payload.kind,
      status,
      event: payload.event,
      ...(payload.identity === undefined ? {} : { identity: payload.identity }),
      startedAt: payload.startedAt,
      finishedAt,
      durationMs: Date.now() - startedMs,
      summary,
      reasons,
      discoveryFailures: payload.failures,
      steps,
      stepsOmitted: omitted,
    };
  }

  /**
   * Starts a planned run: `plan` streams its steps into the journal (pages of
   * pending steps) while the guard's counts are kept; the guard is checked
   * before anything is changed; discovery failures are escalated; then the
   * run streams its steps back from the journal.
   */
  async function start(
    kind: LifecycleReport['kind'],
    runId: string,
    payloadBase: Omit<RunPayload, 'failures' | 'startedAt'>,
    plan: (journal: PlanJournal) => Promise<readonly DiscoveryFailure[]>,
    override: { reason: string; actor: LifecycleEvent['actor'] } | undefined,
    signal: AbortSignal | undefined,
  ): Promise<LifecycleReport> {
    const journal = new PlanJournal(store, runId, randomUUID(), maxReportSteps);
    const failures = [...(await plan(journal))];
    const payload: RunPayload = {
      ...payloadBase,
      kind,
      failures,
      startedAt: new Date().toISOString(),
      plan: journal.plan,
    };
    const scope = { audit: options.audit, runId, event: payload.event, identity: payload.identity };
    const tenantAccounts: Record<string, number> = {};
    if (options.guard?.maxAccountFraction !== undefined && override === undefined) {
      for (const name of journal.counts.touched.keys()) {
        const bound = options.connectors[name];
        if (bound?.supports('account.list'))
          tenantAccounts[name] = await countAccounts(bound, 1_000_000, signal);
      }
    }
    checkGuardCounts(
      journal.counts,
      options.guard,
      override,
      payload.identity === undefined ? 0 : 1,
      tenantAccounts,
    );
    if (!payload.dryRun) {
      auditRun(
        scope,
        'run.started',
        override === undefined ? undefined : `guard overridden by ${override.actor.id}: ${override.reason}`,
        { steps: journal.total, ...(override === undefined ? {} : { guardOverride: true }) },
      );
    }
    const discovered: (StepEntry & { result: StepResult })[] = [];
    for (const failure of failures) {
      // A connector whose access could not be enumerated is escalated as a whole.
      const step: Step = {
        id: `${failure.connector}:discover`,
        connector: failure.connector,
        action: 'discover',
        phase: 0,
        group: failure.connector,
      };
      for (const fallback of fallbacks) {
        try {
          const receipt = await fallback.escalate({
            runId,
            step,
            event: payload.event,
            ...(payload.identity === undefined ? {} : { identity: payload.identity }),
            reason: { code: failure.code, message: failure.message },
            store,
            connectors: options.connectors,
            ...(signal === undefined ? {} : { signal }),
          });
          if (receipt !== undefined) {
            options.audit?.emit({
              type: 'fallback.escalated',
              runId,
              lifecycleEvent: {
                id: payload.event.id,
                type: payload.event.type,
                reason: payload.event.reason,
              },
              actor: payload.event.actor,
              target: { connector: failure.connector },
              fallback: { name: receipt.fallback, receipt: receipt.receipt },
              message: `access at ${failure.connector} could not be enumerated (${failure.code})`,
            });
            discovered.push({
              step,
              result: {
                stepId: step.id,
                connector: step.connector,
                action: step.action,
                objectId: step.connector,
                state: 'escalated',
                outcome: 'escalated',
                verified: false,
                attempts: 1,
                durationMs: 0,
                escalation: { ...receipt, reason: failure.code },
              },
            });
            break;
          }
        } catch {
          // next fallback
        }
      }
    }
    await journal.addSettled(discovered);
    // The run is journaled only once all its steps are: a crash before this point
    // leaves no run to resume (start again), never a half-written one.
    await store.putRun({ id: runId, status: 'running', payload: payload as never });
    return execute(runId, payload, await journal.shape(), signal, journal.order);
  }

  /** A plan computed in full (one identity's access), journaled a page at a time. */
  const journaled =
    (plan: () => Promise<PlanResult>) =>
    async (journal: PlanJournal): Promise<readonly DiscoveryFailure[]> => {
      const result = await plan();
      await journal.add(result.steps);
      return result.failures;
    };

  /** The shared front door of the runs about one identity: event, plan, then `start`. */
  async function startForIdentity(
    kind: 'offboard' | 'onboard' | 'move',
    eventType: LifecycleEvent['type'],
    request: {
      readonly runId?: string | undefined;
      readonly event: RequestEventInput;
      readonly identity: Identity;
      readonly dryRun: boolean;
      readonly override?: { reason: string; actor: LifecycleEvent['actor'] } | undefined;
    },
    connectors: Record<string, BoundConnector>,
    plan: () => Promise<PlanResult>,
    signal: AbortSignal | undefined,
  ): Promise<LifecycleReport> {
    const runId = request.runId ?? `run-${randomUUID()}`;
    const event = toEvent(request.event, eventType);
    return start(
      kind,
      runId,
      {
        kind,
        event,
        identity: request.identity,
        dryRun: request.dryRun,
        connectors: Object.keys(connectors),
      },
      journaled(plan),
      request.override,
      signal,
    );
  }

  return {
    onProgress: progress.event,

    async plan(request, runOptions = {}) {
      const parsedRequest = parse(OffboardRequest, request, 'offboard request');
      return planOffboard(select(parsedRequest.connectors), parsedRequest, runOptions.signal);
    },

    async offboard(request, runOptions = {}) {
      const parsedRequest = parse(OffboardRequest, request, 'offboard request');
      const connectors = select(parsedRequest.connectors);
      return startForIdentity(
        'offboard',
        'leaver',
        parsedRequest,
        connectors,
        () => planOffboard(connectors, parsedRequest, runOptions.signal),
        runOptions.signal,
      );
    },

    async onboard(request, runOptions = {}) {
      const parsedRequest = parse(OnboardRequest, request, 'onboard request');
      const connectors = select(parsedRequest.connectors ?? Object.keys(parsedRequest.access));
      return startForIdentity(
        'onboard',
        'joiner',
        parsedRequest,
        connectors,
        () => planOnboard(connectors, parsedRequest, runOptions.signal),
        runOptions.signal,
      );
    },

    async move(request, runOptions = {}) {
      const parsedRequest = parse(MoveRequest, request, 'move request');
      const connectors = select(parsedRequest.connectors ?? Object.keys(parsedRequest.access));
      return startForIdentity(
        'move',
        'mover',
        parsedRequest,
        connectors,
        () => planMove(connectors, parsedRequest, runOptions.signal),
        runOptions.signal,
      );
    },

    async emergencyRevoke(request, runOptions = {}) {
      const parsedRequest = parse(EmergencyRevokeRequest, request, 'emergency revoke request');
      const runId = parsedRequest.runId ?? `run-${randomUUID()}`;
      const event = toEvent(parsedRequest.event, 'emergency_revoke');
      const connectors = select(parsedRequest.connectors);
      return start(
        'emergency_revoke',
        runId,
        {
          kind: 'emergency_revoke',
          event,
          dryRun: parsedRequest.dryRun,
          connectors: Object.keys(connectors),
        },
        (journal) =>
          streamEmergencyRevoke(
            connectors,
            parsedRequest.selector,
            (page) => journal.add(page),
            runOptions.signal,
          ),
        parsedRequest.override,
        runOptions.signal,
      );
    },

    async resume(runId, runOptions = {}) {
      const run = await store.getRun(runId);
      if (run === undefined) throw new NotFoundError(`No run ${runId} in this store.`);
      const payload = run.payload as unknown as RunPayload;
      return execute(runId, payload, await readRunShape(store, runId, payload.plan), runOptions.signal);
    },

    async status(runId) {
      const run = await store.getRun(runId);
      if (run === undefined) return undefined;
      return { status: run.status, summary: (run.payload as { summary?: unknown }).summary };
    },

    async *steps(runId) {
      const run = await store.getRun(runId);
      const plan = (run?.payload as { plan?: string } | undefined)?.plan;
      for await (const { result } of journalSteps(store, runId, plan)) if (result !== undefined) yield result;
    },

    tasks: (status = 'open') => listTasks(store, status),
    closeTask: (id, note) => closeTask(store, id, note),
  };
}
