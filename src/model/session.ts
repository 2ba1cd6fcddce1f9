import type { z } from 'zod';
import { Id, modelObject, Name, Timestamp } from './primitives';

/**
 * A live session or grant of an account (a login session, an OAuth grant).
 *
 * @example
 * ```ts
 * Session.parse({ id: 's_9', accountId: 'u_42' });
 * ```
 */
export const Session = modelObject({
  id: Id,
  accountId: Id.optional(),
  client: Name.optional(),
  createdAt: Timestamp.optional(),
  expiresAt: Timestamp.optional(),
  lastSeenAt: Timestamp.optional(),
});
/** The parsed {@link Session} schema. */
export type Session = z.infer<typeof Session>;
