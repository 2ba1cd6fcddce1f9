import { z } from 'zod';
import { ERROR_CODES } from '../errors';
import { ObjectRef } from '../model';

/** The outcome states of a revocation. `escalated` is set by the lifecycle layer; `planned` by a dry run. */
export const RevocationStatus = z.enum(['revoked', 'already_absent', 'failed', 'escalated', 'planned']);
/** One of {@link RevocationStatus}. */
export type RevocationStatus = z.infer<typeof RevocationStatus>;

/** What a read-back observed. */
export const Observation = z.enum(['absent', 'revoked', 'disabled', 'deleted', 'still_present', 'unknown']);
/** One of {@link Observation}. */
export type Observation = z.infer<typeof Observation>;

/**
 * Proof of a revocation: what was read back, how, when, through which adapter
 * version. Never holds a secret value.
 */
export const Evidence = z.object({
  /** `read_back` (get), `list`, `custom` (the connector's stronger check) or `none` (cannot read back). */
  method: z.enum(['read_back', 'list', 'custom', 'none']),
  observed: Observation,
  /** When the verifying read happened (ISO). */
  at: z.iso.datetime({ offset: true }),
  /** Verification reads made. */
  checks: z.int().nonnegative(),
  /** The adapter version the read-back went through, when known. */
  adapterVersion: z.string().max(64).optional(),
  /** A short, secret-free note (e.g. why it cannot be verified). */
  detail: z.string().max(512).optional(),
});
/** The parsed {@link Evidence}. */
export type Evidence = z.infer<typeof Evidence>;

/** A failure as remembered by the ledger. */
export const OutcomeError = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().max(2048),
  retryable: z.boolean(),
});
/** The parsed {@link OutcomeError}. */
export type OutcomeError = z.infer<typeof OutcomeError>;

/**
 * The result of one revocation, as stored in the ledger and returned to callers.
 * A revocation is *finished* only when it is `revoked`/`already_absent` and
 * `verified`, or `escalated` with a receipt.
 *
 * @example
 * ```ts
 * const outcome = await revoke(acme, { kind: 'credential', credential: { id: 'k_1' } }, { store, eventId });
 * if (outcome.status === 'revoked' && outcome.verified) ...
 * ```
 */
export const RevocationOutcome = z.object({
  status: RevocationStatus,
  verified: z.boolean(),
  action: z.enum([
    'credential.revoke',
    'session.revoke',
    'entitlement.revoke',
    'account.disable',
    'account.delete',
  ]),
  ref: ObjectRef,
  /** The idempotency key the ledger holds it under. */
  key: z.string().max(2048),
  /** Attempts recorded by the ledger for this key (including earlier, failed ones). */
  attempts: z.int().nonnegative(),
  evidence: Evidence.optional(),
  error: OutcomeError.optional(),
  /** When the outcome was decided (ISO). */
  at: z.iso.datetime({ offset: true }),
});
/** The parsed {@link RevocationOutcome}. */
export type RevocationOutcome = z.infer<typeof RevocationOutcome>;

/** A revocation outcome plus whether it was replayed from the ledger (the target was not called). */
export type RevocationResult = RevocationOutcome & {
  /** True when the ledger already held a final outcome for this key. */
  readonly replayed: boolean;
};

/**
 * Whether an outcome finishes its step: verified success, or escalated.
 *
 * @example
 * ```ts
 * isFinished({ status: 'revoked', verified: false, ... }); // false
 * ```
 */
export function isFinished(outcome: Pick<RevocationOutcome, 'status' | 'verified'>): boolean {
  if (outcome.status === 'escalated') return true;
  return (outcome.status === 'revoked' || outcome.status === 'already_absent') && outcome.verified;
}
