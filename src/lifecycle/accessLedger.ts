import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { BoundConnector } from '../connector/BoundConnector';
import {
  ERROR_CODES,
  type ErrorCode,
  formatIssues,
  InvalidInputError,
  isLifelineError,
  issuesFromZod,
  PermanentError,
} from '../errors';
import { isoNow } from '../model/isoNow';
import { sleep } from '../resilience/sleep';
import { LedgerCallShape, PROCESS_OWNER } from '../revocation/revoke';
import { scrub } from '../revocation/scrub';
import { VerifyOptionsShape } from '../revocation/verifyRevocation';
import { beginOrWait } from '../stores/beginOrWait';
import type { JsonValue } from '../stores/json';
import type { BeginResult, Store } from '../stores/Store';
import { type AccessEvidence, AccessOutcome, type AccessResult } from './AccessOutcome';

/** Options of `grantEntitlement` and `createAccount`. */
export interface AccessOptions {
  /** The idempotency ledger. */
  readonly store: Store;
  /** The lifecycle event this change belongs to (part of the key). */
  readonly eventId: string;
  /** This worker's identity for leases (default: one random id per process). */
  readonly owner?: string;
  /** How long this worker's lease lasts, in ms (default 60 s). */
  readonly leaseMs?: number;
  /** How long to wait for another worker's lease before reporting `conflict`, in ms (default 30 s). */
  readonly maxWaitMs?: number;
  /** Read-back settings (attempts, delays), or `false` to skip (the outcome is then never verified). */
  readonly verify?: { attempts?: number; initialDelayMs?: number; maxDelayMs?: number } | false;
  /** Cancels waits, the call and verification. */
  readonly signal?: AbortSignal;
}

const OptionsSchema = z.object({
  ...LedgerCallShape,
  verify: z
    .union([
      z.literal(false),
      z.object({
        attempts: VerifyOptionsShape.attempts,
        initialDelayMs: VerifyOptionsShape.initialDelayMs,
        maxDelayMs: VerifyOptionsShape.maxDelayMs,
      }),
    ])
    .optional(),
});

const CODES: ReadonlySet<string> = new Set<string>(ERROR_CODES);

/**
 * Validates access options; bad input throws `InvalidInputError` listing the paths.
 *
 * @example
 * ```ts
 * const { owner, leaseMs } = parseAccessOptions({ store, eventId: 'evt-1' });
 * ```
 */
export function parseAccessOptions(options: AccessOptions): {
  owner: string;
  leaseMs: number;
  maxWaitMs: number;
} {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error);
    throw new InvalidInputError(`Invalid access options:\n${formatIssues(issues)}`, { issues });
  }
  return {
    owner: options.owner ?? PROCESS_OWNER,
    leaseMs: options.leaseMs ?? 60_000,
    maxWaitMs: options.maxWaitMs ?? 30_000,
  };
}

/**
 * SHA-256 (first 32 hex digits) of a fixed-position field list.
 *
 * @example
 * ```ts
 * accessFingerprint(['account.create', 'acme', 't1', 'svc-ci', 'svc-ci']);
 * ```
 */
export function accessFingerprint(fields: readonly (string | null)[]): string {
  return createHash('sha256')
    .update(JSON.stringify([1, ...fields]))
    .digest('hex')
    .slice(0, 32);
}

type Base = Pick<AccessOutcome, 'action' | 'key' | 'attempts'>;

/**
 * Begins an access action in the ledger (waiting for another worker's lease up
 * to `maxWaitMs`): either the attempt to make (`attempted`, with the ledger's
 * attempt count) or, for a key that was not acquired, its `result`.
 *
 * @example
 * ```ts
 * const begun = await beginAccess(store, 'entitlement.grant', key, fingerprint, leases, signal);
 * if ('result' in begun) return begun.result;
 * ```
 */
export async function beginAccess(
  store: Store,
  action: Base['action'],
  key: string,
  fingerprint: string,
  leases: { readonly owner: string; readonly leaseMs: number; readonly maxWaitMs: number },
  signal: AbortSignal | undefined,
): Promise<{ readonly attempted: Base } | { readonly result: AccessResult }> {
  const base = { action, key, attempts: 0 };
  const begun = await beginOrWait(store, key, fingerprint, { ...leases, signal, operation: 'access' });
  if (begun.status !== 'acquired') return { result: notAcquired(begun, base) };
  return { attempted: { ...base, attempts: begun.record.attempts } };
}

/**
 * The outcome for a key that is not `acquired`: replayed, remembered failure, or held elsewhere.
 *
 * @example
 * ```ts
 * if (begun.status !== 'acquired') return notAcquired(begun, { action: 'entitlement.grant', key, attempts: 0 });
 * ```
 */
export function notAcquired(begun: Exclude<BeginResult, { status: 'acquired' }>, base: Base): AccessResult {
  const at = isoNow();
  switch (begun.status) {
    case 'completed': {
      const parsed = AccessOutcome.safeParse(begun.outcome);
      if (!parsed.success) {
        throw new PermanentError(
          `The ledger holds an unreadable outcome for ${base.key}:\n${formatIssues(issuesFromZod(parsed.error))}; inspect it, then store.reset(key) to apply it again.`,
        );
      }
      return { ...parsed.data, replayed: true };
    }
    case 'failed': {
      const code: ErrorCode = CODES.has(begun.lastError.code)
        ? (begun.lastError.code as ErrorCode)
        : 'permanent';
      return {
        ...base,
        attempts: begun.record.attempts,
        status: 'failed',
        verified: false,
        error: { code, message: begun.lastError.message.slice(0, 2048), retryable: false },
        at,
        replayed: true,
      };
    }
    case 'in_progress':
      return {
        ...base,
        attempts: begun.record.attempts,
        status: 'failed',
        verified: false,
        error: {
          code: 'conflict',
          message: `${base.action} ${base.key} is held by another worker until ${new Date(begun.leaseExpiresAt).toISOString()}; try again later.`,
          retryable: true,
        },
        at,
        replayed: false,
      };
  }
}

/**
 * Records a failure in the ledger and returns it. `permanent` failures stick
 * until `store.reset(key)`; others let the next attempt continue.
 *
 * @example
 * ```ts
 * return recordAccessFailure(store, owner, error, base, !retryable);
 * ```
 */
export async function recordAccessFailure(
  store: Store,
  owner: string,
  thrown: unknown,
  base: Base,
  permanent: boolean,
  note?: string,
): Promise<AccessResult> {
  const error = isLifelineError(thrown)
    ? thrown
    : new PermanentError(`${base.action} failed with an unexpected (non-Lifeline) error.`, { cause: thrown });
  const message = scrub(note === undefined ? error.message : `${error.message} ${note}`, 1024);
  // Recorded without the caller's signal: an aborted attempt must still release its lease.
  await store.fail(base.key, owner, { code: error.code, message }, { permanent });
  return {
    ...base,
    status: 'failed',
    verified: false,
    error: { code: error.code, message, retryable: !permanent },
    at: isoNow(),
    replayed: false,
  };
}

/**
 * Stores a final outcome and returns it.
 *
 * @example
 * ```ts
 * return completeAccess(store, owner, { ...base, status: 'applied', verified: true, at });
 * ```
 */
export async function completeAccess(
  store: Store,
  owner: string,
  outcome: AccessOutcome,
): Promise<AccessResult> {
  await store.complete(outcome.key, owner, outcome as unknown as JsonValue);
  return { ...outcome, replayed: false };
}

/**
 * Reads back until `check` sees the object (or attempts run out), with
 * exponential backoff. A failing read throws.
 *
 * @example
 * ```ts
 * const evidence = await readBackPresent(bound, 'list', () => hasEntitlement(bound, account, 'grp_ci'), {}, signal);
 * ```
 */
export async function readBackPresent(
  bound: BoundConnector,
  method: AccessEvidence['method'],
  check: () => Promise<boolean>,
  verify: AccessOptions['verify'],
  signal: AbortSignal | undefined,
): Promise<AccessEvidence | undefined> {
  if (verify === false) return undefined;
  const attempts = verify?.attempts ?? 4;
  let delay = verify?.initialDelayMs ?? 250;
  const maxDelay = verify?.maxDelayMs ?? 4000;
  for (let checks = 1; ; checks++) {
    const present = await check();
    if (present || checks >= attempts) {
      return {
        method,
        observed: present ? 'present' : 'missing',
        at: isoNow(),
        checks,
        ...(bound.adapterVersion === undefined ? {} : { adapterVersion: bound.adapterVersion }),
      };
    }
    await sleep(delay, signal, 'verify');
    delay = Math.min(delay * 2, maxDelay);
  }
}
