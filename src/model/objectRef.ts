import { z } from 'zod';
import { Id, modelObject } from './primitives';

/** Kinds of object a reference can point to. */
export const ObjectKind = z.enum(['identity', 'account', 'credential', 'entitlement', 'session']);
/** One of {@link ObjectKind}. */
export type ObjectKind = z.infer<typeof ObjectKind>;

/**
 * A stable pointer to one object in one target: what audit events and the
 * idempotency ledger name. Never carries a secret.
 *
 * @example
 * ```ts
 * const ref: ObjectRef = { connector: 'acme', tenant: 't1', kind: 'credential', id: 'k_1' };
 * ```
 */
export const ObjectRef = modelObject({
  connector: Id,
  tenant: Id.optional(),
  kind: ObjectKind,
  id: Id,
});
/** The parsed {@link ObjectRef} schema. */
export type ObjectRef = z.infer<typeof ObjectRef>;

/**
 * Formats a reference as `connector/tenant/kind/id`, e.g. for idempotency keys.
 *
 * @example
 * ```ts
 * formatObjectRef({ connector: 'acme', kind: 'credential', id: 'k_1' }); // 'acme/-/credential/k_1'
 * ```
 */
export function formatObjectRef(ref: ObjectRef): string {
  // join, not a template: it makes one flat string, which is what ledgers keep.
  return [
    encodePart(ref.connector),
    ref.tenant === undefined ? '-' : encodePart(ref.tenant),
    ref.kind,
    encodePart(ref.id),
  ].join('/');
}

/** Characters `encodeURIComponent` leaves as they are. */
const UNRESERVED = /^[A-Za-z0-9\-_.!~*'()]*$/;

/**
 * `encodeURIComponent`, skipped for the common case of a value that has nothing
 * to encode (it runs on every revocation key).
 *
 * @example
 * ```ts
 * encodePart('k_1'); // 'k_1'
 * encodePart('a/b'); // 'a%2Fb'
 * ```
 */
export function encodePart(value: string): string {
  return UNRESERVED.test(value) ? value : encodeURIComponent(value);
}
