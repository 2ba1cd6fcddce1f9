import { z } from 'zod';
import { IdentityKind } from './identity';
import { Attributes, Id, modelObject, Name, Timestamp } from './primitives';

/** Lifecycle state of an account at its target. */
export const AccountStatus = z.enum(['active', 'disabled', 'deleted', 'unknown']);
/** One of {@link AccountStatus}. */
export type AccountStatus = z.infer<typeof AccountStatus>;

/**
 * An identity's presence in one target system.
 *
 * @example
 * ```ts
 * const account = Account.parse({ id: 'u_42', username: 'svc-ci', status: 'active' });
 * ```
 */
export const Account = modelObject({
  id: Id,
  status: AccountStatus,
  identityId: Id.optional(),
  username: Id.optional(),
  displayName: Name.optional(),
  kind: IdentityKind.optional(),
  createdAt: Timestamp.optional(),
  lastLoginAt: Timestamp.optional(),
  attributes: Attributes.optional(),
});
/** The parsed {@link Account} schema. */
export type Account = z.infer<typeof Account>;
