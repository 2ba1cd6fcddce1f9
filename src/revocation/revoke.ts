import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { BoundConnector } from '../connector/BoundConnector';
import {
  ConflictError,
  formatIssues,
  InvalidInputError,
  isLifelineError,
  issuesFromZod,
  type LifelineError,
  PermanentError,
} from '../errors';
import { sleep } from '../resilience/sleep';
import type { JsonValue } from '../stores/json';
import type { BeginResult, Store } from '../stores/Store';
import { requestFingerprint, revocationKey } from './idempotencyKey';
import { type OutcomeError, RevocationOutcome, type RevocationResult } from './RevocationOutcome';
import {
  actionOf,
  operationInput,
  RevocationTarget,
  type RevocationTargetInput,
  refOf,
} from './RevocationTarget';
import { isVerified, type VerifyOptions, verifyRevocation } from './verifyRevocation';

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
  /** How long to wait for another worker's lease before reporting, in ms (default 30 s). */
  readonly maxWaitMs?: number;
  /** Verification settings, or `false` to skip (the outcome is then never `verified`). */
  readonly verify?: Omit<VerifyOptions, 'signal'> | false;
  /** Cancels waits, the call and verification. */
  readonly signal?: AbortSignal;
}

const PROCESS_OWNER = `worker-${randomUUID()}`;

const Options = z.object({
  eventId: z.string().min(1).max(512),
  idempotencyKey: z.string().min(1).max(2048).optional(),
  owner: z.string().min(1).max(256).optional(),
  leaseMs: z.int().min(100).max(86_400_000).optional(),
  maxWaitMs: z.int().min(0).max(86_400_000).optional(),
});

/** Failures that retrying cannot fix stay failed in the ledger until reset. */
function isPermanent(error: LifelineError): boolean {
  return !error.retryable && error.code !== 'circuit_open' && error.code !== 'conflict';
}

function outcomeError(error: LifelineError): OutcomeError {
  return { code: error.code, message: error.message.slice(0, 2048), retryable: error.retryable };
}

function parseStored(value: unknown, key: string): RevocationOutcome {
  const parsed = RevocationOutcome.safeParse(value);
  if (!parsed.success) {
    throw new PermanentError(
      `The ledger holds an unreadable outcome for ${key}:\n${formatIssues(issuesFromZod(parsed.error))}`,
    );
  }
  return parsed.data;
}

/**
 * Revokes one credential, session, entitlement or account (disable/delete)
 * exactly once per idempotency key, remembered in the store across retries,
 * crashes and workers, and verified by reading the target back.
 *
 * - A key already completed returns the stored outcome without calling the target (`replayed: true`).
 * - A key another worker holds is waited for (backoff, up to `maxWaitMs`), then reported as `conflict`.
 * - `not_found` from the target means `already_absent`; it is success once verified.
 * - Failures are remembered with their attempt count; a permanent one stays failed until `store.reset(key)`.
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
  const parsedTarget = RevocationTarget.safeParse(targetInput);
  if (!parsedTarget.success) {
    const issues = issuesFromZod(parsedTarget.error);
    throw new InvalidInputError(`Invalid revocation target:\n${formatIssues(issues)}`, { issues });
  }
  const parsedOptions = Options.safeParse(options);
  if (!parsedOptions.success) {
    const issues = issuesFromZod(parsedOptions.error);
    throw new InvalidInputError(`Invalid revoke options:\n${formatIssues(issues)}`, { issues });
  }
  const target = parsedTarget.data;
  const { store, signal } = options;
  const action = actionOf(target);
  const ref = refOf(bound.id, bound.tenant, target);
  const input = operationInput(target);
  const key = options.idempotencyKey ?? revocationKey(ref, action, options.eventId);
  const fingerprint = requestFingerprint({ action, ref, input });
  const owner = options.owner ?? PROCESS_OWNER;
  const leaseMs = options.leaseMs ?? 60_000;
  const signalOption = signal === undefined ? {} : { signal };

  const begun = await beginOrWait(store, key, fingerprint, {
    owner,
    leaseMs,
    maxWaitMs: options.maxWaitMs ?? 30_000,
    signal,
  });
  if (begun.status === 'completed') return { ...parseStored(begun.outcome, key), replayed: true };
  if (begun.status === 'failed') {
    const stored = begun.record.outcome;
    if (stored !== undefined) return { ...parseStored(stored, key), replayed: true };
    return {
      status: 'failed',
      verified: false,
      action,
      ref,
      key,
      attempts: begun.record.attempts,
      error: {
        code: (begun.lastError.code as OutcomeError['code']) ?? 'permanent',
        message: begun.lastError.message,
        retryable: false,
      },
      at: new Date().toISOString(),
      replayed: true,
    };
  }
  const attempts = begun.record.attempts;

  let status: 'revoked' | 'already_absent';
  try {
    await bound.call(action, input as never, signalOption);
    status = 'revoked';
  } catch (error) {
    if (isLifelineError(error, 'not_found')) {
      status = 'already_absent';
    } else {
      return recordFailure(store, key, owner, error, { action, ref, key, attempts }, signal);
    }
  }

  if (options.verify === false) {
    const outcome: RevocationOutcome = {
      status,
      verified: false,
      action,
      ref,
      key,
      attempts,
      at: new Date().toISOString(),
    };
    await store.complete(key, owner, outcome as JsonValue, signalOption);
    return { ...outcome, replayed: false };
  }
  let evidence: RevocationOutcome['evidence'];
  try {
    evidence = await verifyRevocation(bound, target, { ...options.verify, signal });
  } catch (error) {
    // The effect was requested but cannot be proven: a drifted or failing read-back is a failure, never success.
    return recordFailure(store, key, owner, error, { action, ref, key, attempts }, signal);
  }
  const outcome: RevocationOutcome = {
    status,
    verified: isVerified(evidence),
    action,
    ref,
    key,
    attempts,
    evidence,
    at: new Date().toISOString(),
  };
  await store.complete(key, owner, outcome as JsonValue, signalOption);
  return { ...outcome, replayed: false };
}

async function recordFailure(
  store: Store,
  key: string,
  owner: string,
  thrown: unknown,
  base: Pick<RevocationOutcome, 'action' | 'ref' | 'key' | 'attempts'>,
  signal: AbortSignal | undefined,
): Promise<RevocationResult> {
  const error = isLifelineError(thrown)
    ? thrown
    : new PermanentError('The revocation failed with an unexpected error.', { cause: thrown });
  const permanent = isPermanent(error);
  await store.fail(
    key,
    owner,
    { code: error.code, message: error.message },
    { permanent, ...(signal ? { signal } : {}) },
  );
  return {
    ...base,
    status: 'failed',
    verified: false,
    error: outcomeError(error),
    at: new Date().toISOString(),
    replayed: false,
  };
}

interface BeginWaitOptions {
  readonly owner: string;
  readonly leaseMs: number;
  readonly maxWaitMs: number;
  readonly signal: AbortSignal | undefined;
}

/** Begins the key; while another worker holds it, waits with backoff up to `maxWaitMs`. */
async function beginOrWait(
  store: Store,
  key: string,
  fingerprint: string,
  options: BeginWaitOptions,
): Promise<Exclude<BeginResult, { status: 'in_progress' }>> {
  const deadline = Date.now() + options.maxWaitMs;
  let delay = 50;
  const beginOptions = {
    owner: options.owner,
    leaseMs: options.leaseMs,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  for (;;) {
    const result = await store.begin(key, fingerprint, beginOptions);
    if (result.status !== 'in_progress') return result;
    const now = Date.now();
    if (now >= deadline) {
      throw new ConflictError(
        `Revocation ${key} is held by another worker until ${new Date(result.leaseExpiresAt).toISOString()}; try again later.`,
        { retryable: true },
      );
    }
    const wait = Math.min(delay, Math.max(1, result.leaseExpiresAt - now), deadline - now);
    await sleep(wait, options.signal, 'revoke');
    delay = Math.min(delay * 2, 2000);
  }
}
