import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { BoundConnector } from '../connector/BoundConnector';
import { callOptions } from '../connector/callOptions';
import {
  ERROR_CODES,
  type ErrorCode,
  formatIssues,
  isLifelineError,
  issuesFromZod,
  type LifelineError,
  PermanentError,
} from '../errors';
import { parseInput } from '../errors/parseInput';
import { isIntIn, isText } from '../model/handChecks';
import { isoNow } from '../model/isoNow';
import { beginOrWait } from '../stores/beginOrWait';
import type { JsonValue } from '../stores/json';
import type { LedgerError, Store } from '../stores/Store';
import { revocationFingerprint, revocationKey } from './idempotencyKey';
import { type OutcomeError, RevocationOutcome, type RevocationResult } from './RevocationOutcome';
import {
  actionOf,
  operationInput,
  RevocationTarget,
  type RevocationTargetInput,
  refOf,
} from './RevocationTarget';
import { scrub } from './scrub';
import {
  isVerified,
  type VerifyOptions,
  VerifyOptionsShape,
  verifyOptionsValid,
  verifyRevocation,
} from './verifyRevocation';

/** Options of {@link revoke}. */
export interface RevokeOptions {
  /** The idempotency ledger. */
  readonly store: Store;
  /** The lifecycle event this revocation belongs to (part of the default key). */
  readonly eventId: string;
  /** Overrides the derived idempotency key. */
  readonly idempotencyKey?: string;
  /** This worker's identity for leases (default: one random id per process). */
  readonly owner?: string;
  /** How long this worker's lease lasts, in ms (default 60 s). Must exceed the call plus verification. */
  readonly leaseMs?: number;
  /** How long to wait for another worker's lease before reporting `conflict`, in ms (default 30 s). */
  readonly maxWaitMs?: number;
  /** Verification settings, or `false` to skip (the outcome is then never `verified`). */
  readonly verify?: Omit<VerifyOptions, 'signal'> | false;
  /** Cancels waits, the call and verification (the ledger still records what was done). */
  readonly signal?: AbortSignal;
}

/** This process's default lease owner, shared by every ledger-backed action. */
export const PROCESS_OWNER = `worker-${randomUUID()}`;
const NO_OPTIONS: VerifyOptions = Object.freeze({});

const VerifyObject = z.object(VerifyOptionsShape, { error: 'must be false or verify options' });

/**
 * The options every ledger-backed action shares (`revoke`, and the lifecycle's
 * account creates and grants): the store, the event, lease owner and timings,
 * and the caller's signal.
 */
export const LedgerCallShape = {
  store: z.custom<Store>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { begin?: unknown }).begin === 'function' &&
      typeof (value as { complete?: unknown }).complete === 'function' &&
      typeof (value as { fail?: unknown }).fail === 'function',
    'must be a Store (memoryStore(), sqliteStore(), postgresStore())',
  ),
  eventId: z.string().min(1).max(512),
  owner: z.string().min(1).max(256).optional(),
  leaseMs: z.int().min(100).max(86_400_000).optional(),
  maxWaitMs: z.int().min(0).max(86_400_000).optional(),
  signal: z.instanceof(AbortSignal).optional(),
};

const Options = z.object({
  ...LedgerCallShape,
  idempotencyKey: z.string().min(1).max(2048).optional(),
  // `false`, or verify options whose errors name their field (a union would only say "verify").
  verify: z
    .unknown()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined || value === false) return;
      const parsed = VerifyObject.safeParse(value);
      if (parsed.success) return;
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    }),
});

/**
 * Codes that say something about *this object* that retrying will not change:
 * the ledger keeps them failed until `store.reset(key)`. Everything else
 * (transient trouble, timeouts and aborts, an open breaker, the connector's own
 * credential or adapter being wrong) is remembered but retried by the next `revoke`.
 */
const STICKY_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'forbidden',
  'invalid_input',
  'unsupported',
  'already_exists',
  'permanent',
]);

const CODES: ReadonlySet<string> = new Set<string>(ERROR_CODES);

function outcomeError(error: LifelineError, message: string): OutcomeError {
  return { code: error.code, message, retryable: !STICKY_CODES.has(error.code) };
}

function parseStored(value: unknown, key: string): RevocationOutcome {
  const parsed = RevocationOutcome.safeParse(value);
  if (!parsed.success) {
    throw new PermanentError(
      `The ledger holds an unreadable outcome for ${key}:\n${formatIssues(issuesFromZod(parsed.error))}; inspect it, then store.reset(key) to revoke again.`,
    );
  }
  return parsed.data;
}

/**
 * The common case checked by hand (it runs on every revocation): every field
 * present is valid by the same rules as `Options` (`verify` by
 * `verifyOptionsValid`). Anything else goes through zod, which also words the error.
 */
function plainOptions(options: RevokeOptions): boolean {
  const store = options.store as Partial<Store> | undefined;
  return (
    typeof store?.begin === 'function' &&
    typeof store.complete === 'function' &&
    typeof store.fail === 'function' &&
    isText(options.eventId, 512) &&
    (options.idempotencyKey === undefined || isText(options.idempotencyKey, 2048)) &&
    (options.owner === undefined || isText(options.owner, 256)) &&
    (options.leaseMs === undefined || isIntIn(options.leaseMs, 100, 86_400_000)) &&
    (options.maxWaitMs === undefined || isIntIn(options.maxWaitMs, 0, 86_400_000)) &&
    (options.verify === undefined || options.verify === false || verifyOptionsValid(options.verify)) &&
    (options.signal === undefined || options.signal instanceof AbortSignal)
  );
}

/**
 * Revokes one credential, session, entitlement or account (disable/delete)
 * exactly once per idempotency key, remembered in the store across retries,
 * crashes and workers, and verified by reading the target back.
 *
 * - A key already completed returns the stored outcome without calling the target (`replayed: true`).
 * - A key another worker holds is waited for (backoff, up to `maxWaitMs`), then reported as
 *   `failed` with a retryable `conflict` error (nothing is written; try again later).
 * - The same key with different parameters throws `ConflictError`.
 * - `not_found` from the target means `already_absent`; it is success once verified.
 * - Failures are remembered with their attempt count; a permanent one (forbidden,
 *   invalid input, unsupported) stays failed until `store.reset(key)`.
 * - A drifted response or read-back is `schema_drift`, never success; an effect that cannot be read back is `verified: false`.
 *
 * @example
 * ```ts
 * const outcome = await revoke(acme, { kind: 'credential', credential: { id: 'k_1' } }, {
 *   store: memoryStore(), eventId: 'evt-leaver-42',
 * });
 * // { status: 'revoked', verified: true, evidence: { method: 'read_back', observed: 'absent', ... }, ... }
 * ```
 */
export async function revoke(
  bound: BoundConnector,
  targetInput: RevocationTargetInput,
  options: RevokeOptions,
): Promise<RevocationResult> {
  const target = parseInput(RevocationTarget, targetInput, 'revocation target');
  if (!plainOptions(options)) parseInput(Options, options, 'revoke options');
  const { store, signal } = options;
  const action = actionOf(target);
  const ref = refOf(bound.id, bound.tenant, target);
  const input = operationInput(target);
  const key = options.idempotencyKey ?? revocationKey(ref, action, options.eventId);
  const fingerprint = revocationFingerprint(bound.id, bound.tenant, target);
  const owner = options.owner ?? PROCESS_OWNER;
  const leaseMs = options.leaseMs ?? 60_000;

  const begun = await beginOrWait(store, key, fingerprint, {
    operation: 'revoke',
    owner,
    leaseMs,
    maxWaitMs: options.maxWaitMs ?? 30_000,
    signal,
  });
  switch (begun.status) {
    case 'completed':
      return resultOf(parseStored(begun.outcome, key), true);
    case 'failed':
      return {
        action,
        ref,
        key,
        status: 'failed',
        verified: false,
        attempts: begun.record.attempts,
        error: storedError(begun.lastError),
        at: isoNow(),
        replayed: true,
      };
    case 'in_progress':
      // Waited `maxWaitMs` and another worker still holds it: report, write nothing.
      return {
        action,
        ref,
        key,
        status: 'failed',
        verified: false,
        attempts: begun.record.attempts,
        error: {
          code: 'conflict',
          message: `Revocation ${key} is held by another worker until ${new Date(begun.leaseExpiresAt).toISOString()}; try again later.`,
          retryable: true,
        },
        at: isoNow(),
        replayed: false,
      };
    case 'acquired':
      break;
  }
  const attempts = begun.record.attempts;

  let status: 'revoked' | 'already_absent';
  try {
    await bound.call(action, input as never, callOptions(signal));
    status = 'revoked';
  } catch (error) {
    if (!isLifelineError(error, 'not_found')) {
      return recordFailure(store, owner, error, { action, ref, key, attempts });
    }
    status = 'already_absent';
  }

  let outcome: RevocationOutcome;
  if (options.verify === false) {
    // A literal of fixed shape rather than spreads: this is every unverified revocation.
    outcome = { action, ref, key, status, verified: false, attempts, at: isoNow() };
  } else {
    let evidence: RevocationOutcome['evidence'];
    try {
      evidence = await verifyRevocation(
        bound,
        target,
        signal === undefined ? (options.verify ?? NO_OPTIONS) : { ...options.verify, signal },
      );
    } catch (error) {
      // The effect was requested but cannot be proven: a drifted or failing read-back is a failure,
      // never success. It is retryable: the next attempt finds the object gone (`already_absent`).
      return recordFailure(store, owner, error, { action, ref, key, attempts });
    }
    outcome = { action, ref, key, status, verified: isVerified(evidence), attempts, evidence, at: isoNow() };
  }
  // The work is done: record it even when the caller aborted meanwhile (no signal here).
  await store.complete(key, owner, outcome as unknown as JsonValue);
  return resultOf(outcome, false);
}

/** The outcome plus `replayed`, built field by field: a spread of it costs a microsecond per revocation. */
function resultOf(outcome: RevocationOutcome, replayed: boolean): RevocationResult {
  const result: { -readonly [K in keyof RevocationResult]: RevocationResult[K] } = {
    action: outcome.action,
    ref: outcome.ref,
    key: outcome.key,
    status: outcome.status,
    verified: outcome.verified,
    attempts: outcome.attempts,
    at: outcome.at,
    replayed,
  };
  if (outcome.evidence !== undefined) result.evidence = outcome.evidence;
  if (outcome.error !== undefined) result.error = outcome.error;
  return result;
}

function storedError(error: LedgerError): OutcomeError {
  const code: ErrorCode = CODES.has(error.code) ? (error.code as ErrorCode) : 'permanent';
  return { code, message: error.message.slice(0, 2048), retryable: false };
}

async function recordFailure(
  store: Store,
  owner: string,
  thrown: unknown,
  base: Pick<RevocationOutcome, 'action' | 'ref' | 'key' | 'attempts'>,
): Promise<RevocationResult> {
  const error = isLifelineError(thrown)
    ? thrown
    : new PermanentError('The revocation failed with an unexpected (non-Lifeline) error.', { cause: thrown });
  const message = scrub(error.message, 1024);
  const remembered = outcomeError(error, message);
  // Recorded without the caller's signal: an aborted attempt must still release its lease.
  await store.fail(base.key, owner, { code: error.code, message }, { permanent: !remembered.retryable });
  return {
    ...base,
    status: 'failed',
    verified: false,
    error: remembered,
    at: isoNow(),
    replayed: false,
  };
}
