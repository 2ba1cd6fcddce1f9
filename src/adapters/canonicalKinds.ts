import type { z } from 'zod';
import { Account, Credential, Entitlement, pageOf, Session } from '../model';

/**
 * The object kinds whose adapter mapping must produce a canonical model object.
 * An adapter may define other kinds too (a revoke response, a version
 * document); those are validated against their wire schema only.
 */
export const CANONICAL_KINDS = {
  account: Account,
  credential: Credential,
  entitlement: Entitlement,
  session: Session,
  accountList: pageOf(Account),
  credentialList: pageOf(Credential),
  entitlementList: pageOf(Entitlement),
  sessionList: pageOf(Session),
} as const;

/** A canonical object kind name. */
export type CanonicalKind = keyof typeof CANONICAL_KINDS;

/** What `toModel` returns for kind `K`. */
export type ModelOf<K extends string> = K extends CanonicalKind
  ? z.input<(typeof CANONICAL_KINDS)[K]>
  : unknown;

/** What `adapter.read` yields for kind `K`. */
export type ReadResult<K extends string> = K extends CanonicalKind
  ? z.output<(typeof CANONICAL_KINDS)[K]>
  : unknown;

/** Whether `kind` is a canonical object kind. */
export function isCanonicalKind(kind: string): kind is CanonicalKind {
  return Object.hasOwn(CANONICAL_KINDS, kind);
}
