import { z } from 'zod';
import { ConflictError, isLifelineError, NotFoundError, TransientError } from '../errors';
import { parseInput } from '../errors/parseInput';
import { LIMITS, type Page } from '../model';
import { isIntIn, isText } from '../model/handChecks';
import { iterateSteps } from './iterateSteps';
import { type JsonValue, toFrozenJson, toJsonText } from './json';
import type {
  BeginOptions,
  BeginResult,
  ClaimStepsOptions,
  CompleteOptions,
  FailOptions,
  LedgerError,
  LedgerRecord,
  LedgerStatus,
  ListStepsOptions,
  ListTasksOptions,
  ReleaseStepOptions,
  RunInput,
  RunRecord,
  StepInput,
  StepRecord,
  Store,
  StoreCallOptions,
  TaskInput,
  TaskRecord,
  TaskStatus,
} from './Store';
import { type StoreClock, systemClock } from './StoreClock';
import {
  AbortSignalSchema,
  Cursor,
  DurationMs,
  Fingerprint,
  Id,
  Key,
  Owner,
  PageLimit,
  Status,
  Statuses,
  throwIfAborted,
} from './validate';

/**
 * An outcome as a backend keeps it: JSON text (what the SQL stores write), or a
 * deep-frozen copy of the value (the memory store: no stringify on write, no parse on read).
 */
export type StoredOutcome = string | { readonly value: JsonValue };

/** A ledger record as a backend keeps it: absent values as `null`, plus a revision. */
export interface LedgerRow {
  readonly key: string;
  readonly fingerprint: string;
  readonly status: LedgerStatus;
  readonly owner: string;
  readonly leaseExpiresAt: number | null;
  readonly attempts: number;
  readonly lastErrorCode: string | null;
  readonly lastErrorMessage: string | null;
  readonly permanent: boolean;
  readonly outcome: StoredOutcome | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expiresAt: number | null;
  /** Incremented by every update; the compare-and-swap token. */
  readonly revision: number;
}

/** The fields an update may change (the backend increments `revision` itself). */
export type LedgerPatch = Partial<Omit<LedgerRow, 'key' | 'revision'>>;

/**
 * Which row an update may touch: the one still at `revision`, or the one whose
 * lease `owner` still holds (`status = 'in_progress'`).
 */
export type LedgerGuard = { readonly revision: number } | { readonly owner: string };

/** A run as a backend keeps it. */
export interface RunRow {
  readonly id: string;
  readonly status: string;
  readonly payload: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A step as a backend keeps it. */
export interface StepRow {
  readonly runId: string;
  readonly stepId: string;
  readonly status: string;
  readonly payload: string;
  readonly claimOwner: string | null;
  readonly claimExpiresAt: number | null;
  readonly updatedAt: number;
}

/** A step write as the base hands it to a backend. */
export interface StepWrite {
  readonly runId: string;
  readonly stepId: string;
  readonly status: string;
  readonly payload: string;
}

/** What a backend's claim primitive receives. */
export interface ClaimQuery {
  readonly runId: string | undefined;
  readonly statuses: readonly string[];
  readonly owner: string;
  readonly now: number;
  readonly expiresAt: number;
  readonly limit: number;
}

/** What a claim update writes (undefined fields are left as they are). */
export interface ClaimUpdate {
  readonly status?: string;
  readonly payload?: string;
  /** `null` ends the claim (owner and expiry are cleared). */
  readonly claimExpiresAt: number | null;
  readonly updatedAt: number;
}

/** A task as a backend keeps it. */
export interface TaskRow {
  readonly id: string;
  readonly kind: string;
  readonly status: TaskStatus;
  readonly payload: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Options every store accepts. */
export interface BaseStoreOptions {
  /** Time source (epoch ms); inject one in tests instead of sleeping. */
  readonly clock?: StoreClock | undefined;
  /** Default TTL of completed ledger records, in milliseconds (default: kept until `reset`). */
  readonly recordTtlMs?: number | undefined;
}

/** Zod shape of {@link BaseStoreOptions}, for concrete stores to extend. */
export const BaseStoreOptionsShape = {
  clock: z
    .custom<StoreClock>((v) => typeof v === 'function', 'must be a function returning epoch ms')
    .optional(),
  recordTtlMs: DurationMs.optional(),
};

const Sig = AbortSignalSchema.optional();
const BeginArgs = z.object({
  key: Key,
  fingerprint: Fingerprint,
  owner: Owner,
  leaseMs: DurationMs,
  signal: Sig,
});
const CompleteArgs = z.object({ key: Key, owner: Owner, ttlMs: DurationMs.optional(), signal: Sig });
const FailArgs = z.object({ key: Key, owner: Owner, permanent: z.boolean(), signal: Sig });
const ExtendArgs = z.object({ key: Key, owner: Owner, leaseMs: DurationMs, signal: Sig });
const KeyArgs = z.object({ key: Key, signal: Sig });
const RunArgs = z.object({ id: Id, status: Status, payload: z.unknown().optional() });
const IdArgs = z.object({ id: Id, signal: Sig });
const StepArgs = z.object({ runId: Id, stepId: Id, status: Status, payload: z.unknown().optional() });
const MAX_STEPS_PER_CALL = 10_000;
const StepsArgs = z.array(StepArgs).max(MAX_STEPS_PER_CALL, 'at most 10,000 steps per call');
const StepKeyArgs = z.object({ runId: Id, stepId: Id, signal: Sig });
const ListStepsArgs = z.object({
  runId: Id,
  status: Statuses.optional(),
  cursor: Cursor.optional(),
  limit: PageLimit.optional(),
  signal: Sig,
});
const ClaimArgs = z.object({
  runId: Id.optional(),
  status: Statuses.optional(),
  owner: Owner,
  leaseMs: DurationMs,
  limit: PageLimit.optional(),
  signal: Sig,
});
const RenewArgs = z.object({ runId: Id, stepId: Id, owner: Owner, leaseMs: DurationMs, signal: Sig });
const ReleaseArgs = z.object({
  runId: Id,
  stepId: Id,
  owner: Owner,
  status: Status.optional(),
  payload: z.unknown().optional(),
  signal: Sig,
});
const TaskArgs = z.object({
  id: Id,
  kind: z.string().min(1).max(128),
  status: z.enum(['open', 'closed']),
  payload: z.unknown().optional(),
});
const ListTasksArgs = z.object({
  kind: z.string().min(1).max(128).optional(),
  status: z.enum(['open', 'closed']).optional(),
  cursor: Cursor.optional(),
  limit: PageLimit.optional(),
  signal: Sig,
});

const MAX_BEGIN_ROUNDS = 16;

const isDuration = (v: unknown): v is number => isIntIn(v, 1, 2 ** 31 - 1);
const isSignal = (v: unknown): boolean => v === undefined || v instanceof AbortSignal;

/** The hot-path checks of begin: when they pass, the zod schema would too; when not, zod reports why. */
function beginArgsValid(key: unknown, fingerprint: unknown, options: BeginOptions): boolean {
  return (
    isText(key, 1024) &&
    isText(fingerprint, LIMITS.fingerprint) &&
    typeof options === 'object' &&
    options !== null &&
    isText(options.owner, LIMITS.name) &&
    isDuration(options.leaseMs) &&
    isSignal(options.signal)
  );
}

/** The rules of `StepArgs` checked by hand (every journaled step). */
function stepInputValid(step: StepInput): boolean {
  return (
    typeof step === 'object' &&
    step !== null &&
    isText(step.runId, LIMITS.id) &&
    isText(step.stepId, LIMITS.id) &&
    isText(step.status, 64)
  );
}

function completeArgsValid(key: unknown, owner: unknown, options: CompleteOptions): boolean {
  return (
    isText(key, 1024) &&
    isText(owner, LIMITS.name) &&
    typeof options === 'object' &&
    options !== null &&
    (options.ttlMs === undefined || isDuration(options.ttlMs)) &&
    isSignal(options.signal)
  );
}
const MAX_ERROR_MESSAGE = 1024;

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): string | undefined {
  return cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
}

function statusList(status: string | readonly string[] | undefined, fallback?: string): string[] | undefined {
  if (status === undefined) return fallback === undefined ? undefined : [fallback];
  return typeof status === 'string' ? [status] : [...status];
}

/**
 * Turns any thrown value into a remembered {@link LedgerError}: taxonomy errors keep
 * their code and message; anything else becomes `unknown` with its name and message.
 *
 * @example
 * ```ts
 * ledgerErrorOf(new TransientError('503')); // { code: 'transient', message: '503' }
 * ```
 */
export function ledgerErrorOf(error: unknown): LedgerError {
  let code = 'unknown';
  let message: string;
  if (isLifelineError(error)) {
    code = error.code;
    message = error.message;
  } else if (error instanceof Error) message = `${error.name}: ${error.message}`;
  else if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  ) {
    code = (error as LedgerError).code.slice(0, 64);
    message = (error as LedgerError).message;
  } else message = 'A non-Error value was thrown.';
  return {
    code,
    message: message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…` : message,
  };
}

/**
 * The engine every store shares. It owns the invariants: input validation, JSON
 * checks (no secrets), fingerprint comparison, lease ownership and takeover,
 * failure memory, record expiry and cursors. A concrete store implements the
 * protected primitives below (insert-if-absent, read, guarded update, delete,
 * journal upserts/reads, claims) and maps its native "already exists" into them.
 *
 * @example
 * ```ts
 * class RedisStore extends BaseStore {
 *   readonly kind = 'redis';
 *   protected async insertLedger(row: LedgerRow) { ... return created; }
 *   // ...the other primitives
 * }
 * ```
 */
export abstract class BaseStore implements Store {
  /** Human-readable store kind. */
  abstract readonly kind: string;
  /** The time source. */
  protected readonly clock: StoreClock;
  /** Default TTL of completed records. */
  protected readonly recordTtlMs: number | undefined;
  /**
   * How this backend keeps outcomes: `text` (JSON; the default, for stores that
   * write them somewhere) or `value` (deep-frozen copies, for in-process stores).
   */
  protected readonly outcomeForm: 'text' | 'value' = 'text';

  protected constructor(options: BaseStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.recordTtlMs = options.recordTtlMs;
  }

  // ---- primitives -------------------------------------------------------------

  // The three ledger primitives on every revocation may answer synchronously (an
  // in-process store): the base awaits them either way, skipping a promise when it can.
  /** Inserts `row` unless `key` exists. Resolves true when inserted (map "already exists" to false). */
  protected abstract insertLedger(row: LedgerRow): Promise<boolean> | boolean;
  /** Reads the row under `key`. */
  protected abstract readLedger(key: string): Promise<LedgerRow | undefined> | LedgerRow | undefined;
  /** Applies `patch` (and increments revision) when `guard` holds; resolves the new row, else undefined. */
  protected abstract updateLedger(
    key: string,
    guard: LedgerGuard,
    patch: LedgerPatch,
  ): Promise<LedgerRow | undefined> | LedgerRow | undefined;
  /** Deletes the row; resolves whether one existed. */
  protected abstract deleteLedger(key: string): Promise<boolean>;
  /** Deletes rows with `expiresAt <= now`; resolves how many. */
  protected abstract deleteExpiredLedger(now: number): Promise<number>;
  /** Creates or updates a run, keeping `createdAt`. */
  protected abstract upsertRun(run: Omit<RunRow, 'createdAt' | 'updatedAt'>, now: number): Promise<RunRow>;
  protected abstract readRun(id: string): Promise<RunRow | undefined>;
  /** Creates or updates a step, keeping its claim. */
  protected abstract upsertStep(step: StepWrite, now: number): Promise<StepRow>;
  /** Creates or updates many steps (in one transaction where possible). */
  protected abstract upsertSteps(steps: readonly StepWrite[], now: number): Promise<void>;
  protected abstract readStep(runId: string, stepId: string): Promise<StepRow | undefined>;
  /** Up to `limit` steps of a run with `stepId > after`, ordered by stepId. */
  protected abstract listStepRows(
    runId: string,
    statuses: readonly string[] | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<StepRow[]>;
  /** Atomically claims up to `limit` steps whose claim is absent or expired. */
  protected abstract claimStepRows(query: ClaimQuery): Promise<StepRow[]>;
  /** Updates a step only while `owner` holds its claim; resolves the new row, else undefined. */
  protected abstract updateClaimedStep(
    runId: string,
    stepId: string,
    owner: string,
    update: ClaimUpdate,
  ): Promise<StepRow | undefined>;
  protected abstract upsertTask(
    task: Omit<TaskRow, 'createdAt' | 'updatedAt'>,
    now: number,
  ): Promise<TaskRow>;
  protected abstract readTask(id: string): Promise<TaskRow | undefined>;
  /** Up to `limit` tasks with `id > after`, ordered by id. */
  protected abstract listTaskRows(
    kind: string | undefined,
    status: TaskStatus | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<TaskRow[]>;
  abstract close(): Promise<void>;

  // ---- ledger -----------------------------------------------------------------

  async begin(key: string, fingerprint: string, options: BeginOptions): Promise<BeginResult> {
    const { owner, leaseMs, signal } = beginArgsValid(key, fingerprint, options)
      ? options
      : parseInput(BeginArgs, { key, fingerprint, ...options }, 'begin arguments');
    for (let round = 0; round < MAX_BEGIN_ROUNDS; round++) {
      throwIfAborted(signal);
      const now = this.clock();
      const fresh: LedgerRow = {
        key,
        fingerprint,
        status: 'in_progress',
        owner,
        leaseExpiresAt: now + leaseMs,
        attempts: 1,
        lastErrorCode: null,
        lastErrorMessage: null,
        permanent: false,
        outcome: null,
        createdAt: now,
        updatedAt: now,
        expiresAt: null,
        revision: 1,
      };
      const inserted = this.insertLedger(fresh);
      if (inserted instanceof Promise ? await inserted : inserted)
        return { status: 'acquired', record: toLedgerRecord(fresh), takeover: false };
      throwIfAborted(signal);
      const row = await this.readLedger(key);
      if (row === undefined) continue; // reset between our insert and read: try again
      if (row.expiresAt !== null && row.expiresAt <= now) {
        // A forgotten record: start over as if it never existed.
        const { key: _k, revision: _r, ...patch } = fresh;
        const taken = await this.updateLedger(key, { revision: row.revision }, patch);
        if (taken) return { status: 'acquired', record: toLedgerRecord(taken), takeover: false };
        continue;
      }
      if (row.fingerprint !== fingerprint) {
        throw new ConflictError(
          `Idempotency key "${key}" was used with a different request (fingerprint mismatch). ` +
            'Use a new key for a different request, or reset(key) if the old record is wrong.',
        );
      }
      if (row.status === 'completed') {
        const record = toLedgerRecord(row);
        return { status: 'completed', record, outcome: record.outcome ?? null };
      }
      if (row.status === 'failed' && row.permanent) {
        const record = toLedgerRecord(row);
        return { status: 'failed', record, lastError: record.lastError ?? { code: 'unknown', message: '' } };
      }
      const reentrant = row.status === 'in_progress' && row.owner === owner;
      if (row.status === 'in_progress' && !reentrant && (row.leaseExpiresAt ?? 0) > now) {
        return {
          status: 'in_progress',
          record: toLedgerRecord(row),
          leaseExpiresAt: row.leaseExpiresAt ?? now,
        };
      }
      // Our own lease again (e.g. a retried begin), an expired lease, or a retryable failure: take it.
      const taken = await this.updateLedger(
        key,
        { revision: row.revision },
        {
          status: 'in_progress',
          owner,
          leaseExpiresAt: now + leaseMs,
          attempts: reentrant ? row.attempts : row.attempts + 1,
          permanent: false,
          updatedAt: now,
        },
      );
      if (taken) return { status: 'acquired', record: toLedgerRecord(taken), takeover: !reentrant };
    }
    throw new TransientError(`begin("${key}") lost ${MAX_BEGIN_ROUNDS} races in a row; try again.`);
  }

  async complete(
    key: string,
    owner: string,
    outcome: JsonValue,
    options: CompleteOptions = {},
  ): Promise<LedgerRecord> {
    const { ttlMs, signal } = completeArgsValid(key, owner, options)
      ? options
      : parseInput(CompleteArgs, { key, owner, ...options }, 'complete arguments');
    const stored: StoredOutcome =
      this.outcomeForm === 'value'
        ? { value: toFrozenJson(outcome, 'outcome') }
        : toJsonText(outcome, 'outcome');
    throwIfAborted(signal);
    const now = this.clock();
    const ttl = ttlMs ?? this.recordTtlMs;
    const pending = this.updateLedger(
      key,
      { owner },
      {
        status: 'completed',
        leaseExpiresAt: null,
        outcome: stored,
        permanent: false,
        updatedAt: now,
        expiresAt: ttl === undefined ? null : now + ttl,
      },
    );
    // An in-process store answers synchronously: no suspension then.
    const updated = pending instanceof Promise ? await pending : pending;
    if (updated) return toLedgerRecord(updated, typeof stored === 'string' ? outcome : stored.value);
    const row = await this.readLedger(key);
    // A retried complete whose first attempt did land is fine.
    if (row?.status === 'completed' && row.owner === owner && sameOutcome(row.outcome, stored))
      return toLedgerRecord(row);
    throw this.notOwner('complete', key, owner, row);
  }

  async fail(key: string, owner: string, error: unknown, options: FailOptions): Promise<LedgerRecord> {
    const { permanent, signal } = parseInput(FailArgs, { key, owner, ...options }, 'fail arguments');
    throwIfAborted(signal);
    const lastError = ledgerErrorOf(error);
    const updated = await this.updateLedger(
      key,
      { owner },
      {
        status: 'failed',
        leaseExpiresAt: null,
        permanent,
        lastErrorCode: lastError.code,
        lastErrorMessage: lastError.message,
        updatedAt: this.clock(),
      },
    );
    if (updated) return toLedgerRecord(updated);
    throw this.notOwner('fail', key, owner, await this.readLedger(key));
  }

  async extend(
    key: string,
    owner: string,
    leaseMs: number,
    options: StoreCallOptions = {},
  ): Promise<LedgerRecord> {
    const { signal } = parseInput(ExtendArgs, { key, owner, leaseMs, ...options }, 'extend arguments');
    throwIfAborted(signal);
    const now = this.clock();
    const updated = await this.updateLedger(
      key,
      { owner },
      { leaseExpiresAt: now + leaseMs, updatedAt: now },
    );
    if (updated) return toLedgerRecord(updated);
    throw this.notOwner('extend', key, owner, await this.readLedger(key));
  }

  async get(key: string, options: StoreCallOptions = {}): Promise<LedgerRecord | undefined> {
    const { signal } = parseInput(KeyArgs, { key, ...options }, 'get arguments');
    throwIfAborted(signal);
    const row = await this.readLedger(key);
    if (row === undefined || (row.expiresAt !== null && row.expiresAt <= this.clock())) return undefined;
    return toLedgerRecord(row);
  }

  async reset(key: string, options: StoreCallOptions = {}): Promise<boolean> {
    const { signal } = parseInput(KeyArgs, { key, ...options }, 'reset arguments');
    throwIfAborted(signal);
    return this.deleteLedger(key);
  }

  async purgeExpired(options: StoreCallOptions = {}): Promise<number> {
    throwIfAborted(options.signal);
    return this.deleteExpiredLedger(this.clock());
  }

  private notOwner(action: string, key: string, owner: string, row: LedgerRow | undefined): Error {
    if (row === undefined)
      return new NotFoundError(`Cannot ${action} "${key}": no ledger record (call begin first).`);
    const state =
      row.status === 'in_progress'
        ? `the lease is held by "${row.owner}"`
        : `the record is already ${row.status}`;
    return new ConflictError(
      `Cannot ${action} "${key}" as "${owner}": ${state}. Your lease was lost (expired and taken over); ` +
        'do not report this attempt as the outcome.',
    );
  }

  // ---- journal ----------------------------------------------------------------

  async putRun(run: RunInput, options: StoreCallOptions = {}): Promise<RunRecord> {
    const { id, status } = parseInput(RunArgs, run, 'run');
    const payload = toJsonText(run.payload ?? null, 'payload');
    throwIfAborted(options.signal);
    return toRunRecord(await this.upsertRun({ id, status, payload }, this.clock()), run.payload ?? null);
  }

  async getRun(id: string, options: StoreCallOptions = {}): Promise<RunRecord | undefined> {
    const { signal } = parseInput(IdArgs, { id, ...options }, 'getRun arguments');
    throwIfAborted(signal);
    const row = await this.readRun(id);
    return row && toRunRecord(row);
  }

  async putStep(step: StepInput, options: StoreCallOptions = {}): Promise<StepRecord> {
    const { runId, stepId, status } = parseInput(StepArgs, step, 'step');
    const payload = toJsonText(step.payload ?? null, 'payload');
    throwIfAborted(options.signal);
    // The payload just written is the caller's value: no need to parse it back.
    return toStepRecord(
      await this.upsertStep({ runId, stepId, status, payload }, this.clock()),
      step.payload ?? null,
    );
  }

  async putSteps(steps: readonly StepInput[], options: StoreCallOptions = {}): Promise<void> {
    // Checked by hand (a run journals every step this way); zod words the error when one fails.
    if (!Array.isArray(steps) || steps.length > MAX_STEPS_PER_CALL || !steps.every(stepInputValid))
      parseInput(StepsArgs, steps, 'steps');
    const writes: StepWrite[] = new Array(steps.length);
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i] as StepInput;
      writes[i] = {
        runId: s.runId,
        stepId: s.stepId,
        status: s.status,
        payload: toJsonText(s.payload ?? null, `steps[${i}].payload`),
      };
    }
    throwIfAborted(options.signal);
    if (writes.length > 0) await this.upsertSteps(writes, this.clock());
  }

  async getStep(
    runId: string,
    stepId: string,
    options: StoreCallOptions = {},
  ): Promise<StepRecord | undefined> {
    const { signal } = parseInput(StepKeyArgs, { runId, stepId, ...options }, 'getStep arguments');
    throwIfAborted(signal);
    const row = await this.readStep(runId, stepId);
    return row && toStepRecord(row);
  }

  async listSteps(runId: string, options: ListStepsOptions = {}): Promise<Page<StepRecord>> {
    const args = parseInput(ListStepsArgs, { runId, ...options }, 'listSteps arguments');
    throwIfAborted(args.signal);
    const limit = args.limit ?? 100;
    const rows = await this.listStepRows(
      runId,
      statusList(args.status),
      decodeCursor(args.cursor),
      limit + 1,
    );
    const items = rows.slice(0, limit).map((row) => toStepRecord(row));
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, nextCursor: encodeCursor(last.stepId) } : { items };
  }

  /**
   * Every step of a run (optionally by status), page by page: memory stays bounded by the page size.
   *
   * @example
   * ```ts
   * for await (const step of store.iterateSteps(runId, { status: 'failed' })) report(step);
   * ```
   */
  iterateSteps(runId: string, options: Omit<ListStepsOptions, 'cursor'> = {}): AsyncGenerator<StepRecord> {
    return iterateSteps(this, runId, options);
  }

  async claimSteps(options: ClaimStepsOptions): Promise<StepRecord[]> {
    const args = parseInput(ClaimArgs, options, 'claimSteps options');
    throwIfAborted(args.signal);
    const now = this.clock();
    const rows = await this.claimStepRows({
      runId: args.runId,
      statuses: statusList(args.status, 'pending') ?? ['pending'],
      owner: args.owner,
      now,
      expiresAt: now + args.leaseMs,
      limit: args.limit ?? 1,
    });
    return rows
      .map((row) => toStepRecord(row))
      .sort((a, b) => (a.runId === b.runId ? cmp(a.stepId, b.stepId) : cmp(a.runId, b.runId)));
  }

  async renewClaim(
    runId: string,
    stepId: string,
    owner: string,
    leaseMs: number,
    options: StoreCallOptions = {},
  ): Promise<StepRecord> {
    const { signal } = parseInput(
      RenewArgs,
      { runId, stepId, owner, leaseMs, ...options },
      'renewClaim arguments',
    );
    throwIfAborted(signal);
    const now = this.clock();
    const row = await this.updateClaimedStep(runId, stepId, owner, {
      claimExpiresAt: now + leaseMs,
      updatedAt: now,
    });
    if (row) return toStepRecord(row);
    throw await this.notClaimed('renew', runId, stepId, owner);
  }

  async releaseStep(
    runId: string,
    stepId: string,
    owner: string,
    options: ReleaseStepOptions = {},
  ): Promise<StepRecord> {
    const args = parseInput(ReleaseArgs, { runId, stepId, owner, ...options }, 'releaseStep arguments');
    const payload = options.payload === undefined ? undefined : toJsonText(options.payload, 'payload');
    throwIfAborted(args.signal);
    const row = await this.updateClaimedStep(runId, stepId, owner, {
      ...(args.status === undefined ? {} : { status: args.status }),
      ...(payload === undefined ? {} : { payload }),
      claimExpiresAt: null,
      updatedAt: this.clock(),
    });
    if (row) return toStepRecord(row);
    throw await this.notClaimed('release', runId, stepId, owner);
  }

  private async notClaimed(action: string, runId: string, stepId: string, owner: string): Promise<Error> {
    const row = await this.readStep(runId, stepId);
    if (row === undefined)
      return new NotFoundError(`Cannot ${action} step ${runId}/${stepId}: it does not exist.`);
    return new ConflictError(
      `Cannot ${action} step ${runId}/${stepId} as "${owner}": ` +
        (row.claimOwner === null ? 'it is not claimed.' : `it is claimed by "${row.claimOwner}".`),
    );
  }

  // ---- tasks ------------------------------------------------------------------

  async putTask(task: TaskInput, options: StoreCallOptions = {}): Promise<TaskRecord> {
    const { id, kind, status } = parseInput(TaskArgs, task, 'task');
    const payload = toJsonText(task.payload ?? null, 'payload');
    throwIfAborted(options.signal);
    return toTaskRecord(await this.upsertTask({ id, kind, status, payload }, this.clock()));
  }

  async getTask(id: string, options: StoreCallOptions = {}): Promise<TaskRecord | undefined> {
    const { signal } = parseInput(IdArgs, { id, ...options }, 'getTask arguments');
    throwIfAborted(signal);
    const row = await this.readTask(id);
    return row && toTaskRecord(row);
  }

  async listTasks(options: ListTasksOptions = {}): Promise<Page<TaskRecord>> {
    const args = parseInput(ListTasksArgs, options, 'listTasks options');
    throwIfAborted(args.signal);
    const limit = args.limit ?? 100;
    const rows = await this.listTaskRows(args.kind, args.status, decodeCursor(args.cursor), limit + 1);
    const items = rows.slice(0, limit).map(toTaskRecord);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, nextCursor: encodeCursor(last.id) } : { items };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const outcomeText = (stored: StoredOutcome): string =>
  typeof stored === 'string' ? stored : JSON.stringify(stored.value);

function sameOutcome(kept: StoredOutcome | null, stored: StoredOutcome): boolean {
  return kept !== null && outcomeText(kept) === outcomeText(stored);
}

/** `outcome`, when given, is the already-parsed value of `row.outcome` (saves a JSON.parse). */
function toLedgerRecord(row: LedgerRow, outcome?: JsonValue): LedgerRecord {
  // Built by assignment rather than conditional spreads: this is on every begin and complete.
  const record: { -readonly [K in keyof LedgerRecord]: LedgerRecord[K] } = {
    key: row.key,
    fingerprint: row.fingerprint,
    status: row.status,
    owner: row.owner,
    attempts: row.attempts,
    permanent: row.permanent,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
  if (row.leaseExpiresAt !== null && row.status === 'in_progress') record.leaseExpiresAt = row.leaseExpiresAt;
  if (row.lastErrorCode !== null)
    record.lastError = { code: row.lastErrorCode, message: row.lastErrorMessage ?? '' };
  if (row.outcome !== null)
    record.outcome =
      outcome ??
      (typeof row.outcome === 'string' ? (JSON.parse(row.outcome) as JsonValue) : row.outcome.value);
  if (row.expiresAt !== null) record.expiresAt = row.expiresAt;
  return record;
}

/** `payload`, when given, is the already-parsed value of `row.payload`. */
function toRunRecord(row: RunRow, payload?: JsonValue): RunRecord {
  return {
    id: row.id,
    status: row.status,
    payload: payload === undefined ? (JSON.parse(row.payload) as JsonValue) : payload,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** `payload`, when given, is the already-parsed value of `row.payload`. */
function toStepRecord(row: StepRow, payload?: JsonValue): StepRecord {
  return {
    runId: row.runId,
    stepId: row.stepId,
    status: row.status,
    payload: payload === undefined ? (JSON.parse(row.payload) as JsonValue) : payload,
    ...(row.claimOwner === null || row.claimExpiresAt === null
      ? {}
      : { claim: { owner: row.claimOwner, expiresAt: row.claimExpiresAt } }),
    updatedAt: row.updatedAt,
  };
}

function toTaskRecord(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    payload: JSON.parse(row.payload) as JsonValue,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
