import type { Page } from '../model';
import type { JsonValue } from './json';

/** Status of a ledger record. */
export type LedgerStatus = 'in_progress' | 'completed' | 'failed';

/** The last failure remembered on a ledger record: a taxonomy code and a secret-free message. */
export interface LedgerError {
  /** A taxonomy code such as `transient`, or `unknown` for foreign errors. */
  readonly code: string;
  /** What went wrong (at most 1,024 characters). */
  readonly message: string;
}

/**
 * One idempotency-ledger record: the memory of one piece of work (e.g. revoking one
 * credential for one lifecycle event), across retries, crashes and workers.
 */
export interface LedgerRecord {
  /** The idempotency key. */
  readonly key: string;
  /** Fingerprint of the request parameters; a different one under the same key is a conflict. */
  readonly fingerprint: string;
  /** `in_progress` (a lease is or was held), `completed` or `failed`. */
  readonly status: LedgerStatus;
  /** The owner of the current or last lease. */
  readonly owner: string;
  /** When the lease ends (epoch ms); only while `in_progress`. */
  readonly leaseExpiresAt?: number;
  /** How many attempts have acquired this key (the current one included). */
  readonly attempts: number;
  /** The last failure, kept across takeovers so a retry continues rather than restarts. */
  readonly lastError?: LedgerError;
  /** Whether the failure is permanent: then `begin` returns `failed` until `reset`. */
  readonly permanent: boolean;
  /** The stored outcome of a completed record (opaque JSON defined by the caller). */
  readonly outcome?: JsonValue;
  /** Created (epoch ms). */
  readonly createdAt: number;
  /** Last changed (epoch ms). */
  readonly updatedAt: number;
  /** When a completed record is forgotten (epoch ms), if it has a TTL. */
  readonly expiresAt?: number;
}

/** Result of {@link Store.begin}: exactly one of four outcomes. */
export type BeginResult =
  | {
      /** The caller holds the lease and must do the work, then `complete` or `fail`. */
      readonly status: 'acquired';
      /** The record as it now stands (`attempts` counts this attempt, `lastError` is the previous one). */
      readonly record: LedgerRecord;
      /** True when an expired lease of another owner (or a retryable failure) was taken over. */
      readonly takeover: boolean;
    }
  | {
      /** The work was done; do not call the target again. */
      readonly status: 'completed';
      readonly record: LedgerRecord;
      /** The stored outcome. */
      readonly outcome: JsonValue;
    }
  | {
      /** Another owner holds an unexpired lease: wait (with backoff, up to a bound) and begin again. */
      readonly status: 'in_progress';
      readonly record: LedgerRecord;
      /** When that lease expires (epoch ms). */
      readonly leaseExpiresAt: number;
    }
  | {
      /** A permanent failure is remembered; `reset(key)` to try again. */
      readonly status: 'failed';
      readonly record: LedgerRecord;
      /** The remembered failure. */
      readonly lastError: LedgerError;
    };

/** Options common to calls that may wait on a backend. */
export interface StoreCallOptions {
  /** Aborts the call (the store checks it before and between round trips). */
  readonly signal?: AbortSignal;
}

/** Options of {@link Store.begin}. */
export interface BeginOptions extends StoreCallOptions {
  /** Who does the work: unique per worker and attempt (e.g. `host:pid:uuid`). */
  readonly owner: string;
  /** How long the lease lasts, in milliseconds; renew with `extend` for longer work. */
  readonly leaseMs: number;
}

/** Options of {@link Store.complete}. */
export interface CompleteOptions extends StoreCallOptions {
  /** Forget the completed record after this many milliseconds (default: the store's `recordTtlMs`, else never). */
  readonly ttlMs?: number;
}

/** Options of {@link Store.fail}. */
export interface FailOptions extends StoreCallOptions {
  /** A permanent failure sticks until `reset`; a retryable one lets the next `begin` continue. */
  readonly permanent: boolean;
}

/** A lifecycle run in the journal. Status and payload are the caller's. */
export interface RunRecord {
  readonly id: string;
  readonly status: string;
  readonly payload: JsonValue;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Input of {@link Store.putRun}. */
export interface RunInput {
  readonly id: string;
  readonly status: string;
  readonly payload?: JsonValue;
}

/** A claim on a step: `owner` works on it until `expiresAt`. */
export interface StepClaim {
  readonly owner: string;
  readonly expiresAt: number;
}

/** One step of a run in the journal. */
export interface StepRecord {
  readonly runId: string;
  readonly stepId: string;
  readonly status: string;
  readonly payload: JsonValue;
  /** The claim, while one is held (it may have expired: check `expiresAt`). */
  readonly claim?: StepClaim;
  readonly updatedAt: number;
}

/** Input of {@link Store.putStep}. */
export interface StepInput {
  readonly runId: string;
  readonly stepId: string;
  readonly status: string;
  readonly payload?: JsonValue;
}

/** Options of {@link Store.listSteps}. */
export interface ListStepsOptions extends StoreCallOptions {
  /** Only steps with this status (or one of these). */
  readonly status?: string | readonly string[];
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** Page size, 1..1000 (default 100). */
  readonly limit?: number;
}

/** Options of {@link Store.claimSteps}. */
export interface ClaimStepsOptions extends StoreCallOptions {
  /** Claim only in this run (default: any run). */
  readonly runId?: string;
  /** Claimable statuses (default `['pending']`). */
  readonly status?: string | readonly string[];
  /** The claiming worker. */
  readonly owner: string;
  /** How long the claim lasts, in milliseconds. */
  readonly leaseMs: number;
  /** At most this many steps (1..1000, default 1). */
  readonly limit?: number;
}

/** What {@link Store.releaseStep} writes. Omitted fields are left as they are. */
export interface ReleaseStepOptions extends StoreCallOptions {
  readonly status?: string;
  readonly payload?: JsonValue;
}

/** Status of a durable task (e.g. an item in the manual remediation queue). */
export type TaskStatus = 'open' | 'closed';

/** A durable task. */
export interface TaskRecord {
  readonly id: string;
  readonly kind: string;
  readonly status: TaskStatus;
  readonly payload: JsonValue;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Input of {@link Store.putTask}. */
export interface TaskInput {
  readonly id: string;
  readonly kind: string;
  readonly status: TaskStatus;
  readonly payload?: JsonValue;
}

/** Options of {@link Store.listTasks}. */
export interface ListTasksOptions extends StoreCallOptions {
  readonly kind?: string;
  readonly status?: TaskStatus;
  readonly cursor?: string;
  readonly limit?: number;
}

/**
 * The one store interface: the idempotency ledger, the run journal (runs, steps,
 * claims) and durable tasks. Implemented by `memoryStore()`, `sqliteStore()`
 * (`lifeline/stores/sqlite`) and `postgresStore()` (`lifeline/stores/postgres`);
 * each passes the shared store conformance suite from `lifeline/testing`.
 *
 * @example
 * ```ts
 * const begun = await store.begin(key, fingerprint, { owner, leaseMs: 30_000 });
 * if (begun.status === 'acquired') {
 *   try { await store.complete(key, owner, await revokeIt()); }
 *   catch (error) { await store.fail(key, owner, error, { permanent: !isRetryable(error) }); }
 * }
 * ```
 */
export interface Store {
  /** Human-readable store kind: `memory`, `sqlite`, `postgres`. */
  readonly kind: string;

  /** Starts (or resumes, or refuses) the work under `key`. Throws `ConflictError` on a fingerprint mismatch. */
  begin(key: string, fingerprint: string, options: BeginOptions): Promise<BeginResult>;
  /** Records the outcome; only the lease owner may (a stale owner gets `ConflictError`). */
  complete(key: string, owner: string, outcome: JsonValue, options?: CompleteOptions): Promise<LedgerRecord>;
  /** Records a failure with its attempt count; only the lease owner may. */
  fail(key: string, owner: string, error: unknown, options: FailOptions): Promise<LedgerRecord>;
  /** Renews the owner's lease to `leaseMs` from now. */
  extend(key: string, owner: string, leaseMs: number, options?: StoreCallOptions): Promise<LedgerRecord>;
  /** The record under `key`, or `undefined` (also when it has expired). */
  get(key: string, options?: StoreCallOptions): Promise<LedgerRecord | undefined>;
  /** Forgets `key` (e.g. to retry a permanent failure). Resolves whether a record was removed. */
  reset(key: string, options?: StoreCallOptions): Promise<boolean>;
  /** Deletes completed records whose TTL has passed. Resolves how many. */
  purgeExpired(options?: StoreCallOptions): Promise<number>;

  /** Creates or updates a run (createdAt is kept on update). */
  putRun(run: RunInput, options?: StoreCallOptions): Promise<RunRecord>;
  /** A run, or `undefined`. */
  getRun(id: string, options?: StoreCallOptions): Promise<RunRecord | undefined>;
  /** Creates or updates a step; an existing claim is kept. */
  putStep(step: StepInput, options?: StoreCallOptions): Promise<StepRecord>;
  /** Creates or updates many steps in one transaction where the backend has them. */
  putSteps(steps: readonly StepInput[], options?: StoreCallOptions): Promise<void>;
  /** A step, or `undefined`. */
  getStep(runId: string, stepId: string, options?: StoreCallOptions): Promise<StepRecord | undefined>;
  /** One page of a run's steps ordered by step id, optionally filtered by status. */
  listSteps(runId: string, options?: ListStepsOptions): Promise<Page<StepRecord>>;
  /** Claims up to `limit` unclaimed (or claim-expired) steps; no step is claimed by two workers at once. */
  claimSteps(options: ClaimStepsOptions): Promise<StepRecord[]>;
  /** Renews the owner's claim on a step. */
  renewClaim(
    runId: string,
    stepId: string,
    owner: string,
    leaseMs: number,
    options?: StoreCallOptions,
  ): Promise<StepRecord>;
  /** Ends the owner's claim, optionally writing status and payload; a stale owner gets `ConflictError`. */
  releaseStep(
    runId: string,
    stepId: string,
    owner: string,
    options?: ReleaseStepOptions,
  ): Promise<StepRecord>;

  /** Creates or updates a task. */
  putTask(task: TaskInput, options?: StoreCallOptions): Promise<TaskRecord>;
  /** A task, or `undefined`. */
  getTask(id: string, options?: StoreCallOptions): Promise<TaskRecord | undefined>;
  /** One page of tasks ordered by id, optionally filtered by kind and status. */
  listTasks(options?: ListTasksOptions): Promise<Page<TaskRecord>>;

  /** Releases the backend (closes the database or an owned pool). */
  close(): Promise<void>;
}
