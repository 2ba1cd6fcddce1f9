import { z } from 'zod';
import { Id, modelObject, Name, Text } from './primitives';

/** Kinds of entitlement. */
export const EntitlementKind = z.enum(['group', 'role', 'scope', 'permission']);
/** One of {@link EntitlementKind}. */
export type EntitlementKind = z.infer<typeof EntitlementKind>;

/**
 * Access an account holds at a target: a group membership, a role, an OAuth
 * scope or a permission.
 *
 * @example
 * ```ts
 * Entitlement.parse({ id: 'g_admins', kind: 'group', name: 'Admins' });
 * ```
 */
export const Entitlement = modelObject({
  id: Id,
  kind: EntitlementKind,
  name: Name.optional(),
  description: Text.optional(),
  accountId: Id.optional(),
});
/** The parsed {@link Entitlement} schema. */
export type Entitlement = z.infer<typeof Entitlement>;
