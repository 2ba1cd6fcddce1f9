import { z } from 'zod';
import { ERROR_CODES } from '../errors';
import { Id } from '../model';

/** The outcome states of a grant or an account creation. */
export const AccessStatus = z.enum(['applied', 'already_present', 'failed']);
/** One of {@link AccessStatus}. */
export type AccessStatus = z.infer<typeof AccessStatus>;

/**
 * Proof of a grant or creation: what was read back, how and when. Never holds
 * a secret value.
 */
export const AccessEvidence = z.object({
  /** `read_back` (get), `list` (the account's entitlements) or `none` (cannot read back). */
  method: z.enum(['read_back', 'list', 'none']),
  /** `present` when the read-back found the account or membership. */
  observed: z.enum(['present', 'missing', 'unknown']),
  /** When the verifying read happened (ISO). */
  at: z.iso.datetime({ offset: true }),
  /** Verification reads made. */
  checks: z.int().nonnegative(),
  adapterVersion: z.string().max(64).optional(),
  detail: z.string().max(512).optional(),
});
/** The parsed {@link AccessEvidence}. */
export type AccessEvidence = z.infer<typeof AccessEvidence>;

/**
 * The result of one grant or account creation, as stored in the ledger and
 * returned to callers. Finished only when `applied`/`already_present` and
 * `verified`.
 *
 * @example
 * ```ts
 * const outcome = await grantEntitlement(acme, { account: { id: 'acc_1' }, entitlement: { id: 'grp_ci' } }, { store, eventId });
 * if (outcome.status !== 'failed' && outcome.verified) ...
 * ```
 */
export const AccessOutcome = z.object({
  status: AccessStatus,
  verified: z.boolean(),
  action: z.enum(['entitlement.grant', 'account.create']),
  /** The idempotency key the ledger holds it under. */
  key: z.string().max(2048),
  attempts: z.int().nonnegative(),
  /** The account created (or found), for `account.create`. */
  account: z.object({ id: Id, username: Id.optional() }).optional(),
  evidence: AccessEvidence.optional(),
  error: z
    .object({ code: z.enum(ERROR_CODES), message: z.string().max(2048), retryable: z.boolean() })
    .optional(),
  at: z.iso.datetime({ offset: true }),
});
/** The parsed {@link AccessOutcome}. */
export type AccessOutcome = z.infer<typeof AccessOutcome>;

/** An access outcome plus whether it was replayed from the ledger (the target was not called). */
export type AccessResult = AccessOutcome & { readonly replayed: boolean };
