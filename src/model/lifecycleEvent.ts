import { z } from 'zod';
import { Id, modelObject, Name, Text, Timestamp } from './primitives';

/** Kinds of lifecycle event. */
export const LifecycleEventType = z.enum(['leaver', 'joiner', 'mover', 'emergency_revoke', 'rotate']);
/** One of {@link LifecycleEventType}. */
export type LifecycleEventType = z.infer<typeof LifecycleEventType>;

/** Who asked for a lifecycle event: a person, a system (HR feed, IdP) or a policy. */
export const Actor = modelObject({
  kind: z.enum(['person', 'system', 'policy']),
  id: Id,
  displayName: Name.optional(),
});
/** The parsed {@link Actor} schema. */
export type Actor = z.infer<typeof Actor>;

/**
 * The business event behind a change of access: the thing an auditor asks about.
 *
 * @example
 * ```ts
 * LifecycleEvent.parse({
 *   id: 'evt-1', type: 'leaver', reason: 'Integration retired',
 *   actor: { kind: 'person', id: 'alice' }, ticket: 'SEC-1234', requestedAt: new Date().toISOString(),
 * });
 * ```
 */
export const LifecycleEvent = modelObject({
  id: Id,
  type: LifecycleEventType,
  reason: Text,
  actor: Actor,
  ticket: Name.optional(),
  requestedAt: Timestamp,
});
/** The parsed {@link LifecycleEvent} schema. */
export type LifecycleEvent = z.infer<typeof LifecycleEvent>;
