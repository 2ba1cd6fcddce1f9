import { z } from 'zod';
import { Attributes, Id, modelObject, Name, safeRecord } from './primitives';

/** Kinds of identity. Everything but `human` is a non-human identity (NHI). */
export const IdentityKind = z.enum(
  ['human', 'service_account', 'api_client', 'bot', 'ai_agent', 'workload'],
  {
    error: 'must be one of human, service_account, api_client, bot, ai_agent, workload',
  },
);
/** One of {@link IdentityKind}. */
export type IdentityKind = z.infer<typeof IdentityKind>;

/**
 * True for non-human identity kinds.
 *
 * @example
 * ```ts
 * isNonHuman('ai_agent'); // true
 * ```
 */
export function isNonHuman(kind: IdentityKind): boolean {
  return kind !== 'human';
}

/** Who is accountable for an identity. */
export const Owner = modelObject({
  id: Id,
  kind: z.enum(['person', 'team', 'system']).optional(),
  displayName: Name.optional(),
  email: z.email().max(320).optional(),
});
/** The parsed {@link Owner} schema. */
export type Owner = z.infer<typeof Owner>;

/**
 * A person or a non-human identity whose access Lifeline manages across targets.
 *
 * @example
 * ```ts
 * const ci = Identity.parse({ id: 'svc-ci', kind: 'service_account', owner: { id: 'team-platform' } });
 * ```
 */
export const Identity = modelObject({
  id: Id,
  kind: IdentityKind,
  displayName: Name.optional(),
  owner: Owner.optional(),
  tenant: Id.optional(),
  /** The identity's id in each connector, keyed by connector id. */
  externalIds: safeRecord(Id).optional(),
  attributes: Attributes.optional(),
});
/** The parsed {@link Identity} schema. */
export type Identity = z.infer<typeof Identity>;
