import { z } from 'zod';
import { AccountRef, CredentialRef, EntitlementRef, SessionRef } from '../connector/operations';
import type { ObjectRef } from '../model';

/**
 * What to revoke: a credential, a session (or all of an account's sessions),
 * an entitlement of an account, or the account itself (disable or delete).
 *
 * @example
 * ```ts
 * const target: RevocationTarget = { kind: 'credential', credential: { id: 'k_1' }, account: { id: 'u_42' } };
 * ```
 */
export const RevocationTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('credential'), credential: CredentialRef, account: AccountRef.optional() }),
  z.object({ kind: z.literal('session'), account: AccountRef, session: SessionRef.optional() }),
  z.object({ kind: z.literal('entitlement'), account: AccountRef, entitlement: EntitlementRef }),
  z.object({ kind: z.literal('account'), account: AccountRef, action: z.enum(['disable', 'delete']) }),
]);
/** The parsed {@link RevocationTarget}. */
export type RevocationTarget = z.infer<typeof RevocationTarget>;
/** What callers pass as a {@link RevocationTarget}. */
export type RevocationTargetInput = z.input<typeof RevocationTarget>;

/** The connector operation that performs a revocation. */
export type RevocationAction =
  | 'credential.revoke'
  | 'session.revoke'
  | 'entitlement.revoke'
  | 'account.disable'
  | 'account.delete';

/**
 * The operation that performs `target`.
 *
 * @example
 * ```ts
 * actionOf({ kind: 'account', account: { id: 'u' }, action: 'disable' }); // 'account.disable'
 * ```
 */
export function actionOf(target: RevocationTarget): RevocationAction {
  switch (target.kind) {
    case 'credential':
      return 'credential.revoke';
    case 'session':
      return 'session.revoke';
    case 'entitlement':
      return 'entitlement.revoke';
    case 'account':
      return target.action === 'disable' ? 'account.disable' : 'account.delete';
  }
}

/**
 * The object a revocation acts on, as audit and the ledger name it. For an
 * entitlement the id is `account/entitlement`; for "all sessions" it is the account id.
 *
 * @example
 * ```ts
 * refOf('acme', 't1', { kind: 'credential', credential: { id: 'k_1' } });
 * // { connector: 'acme', tenant: 't1', kind: 'credential', id: 'k_1' }
 * ```
 */
export function refOf(connector: string, tenant: string, target: RevocationTarget): ObjectRef {
  switch (target.kind) {
    case 'credential':
      return { connector, tenant, kind: 'credential', id: target.credential.id };
    case 'session':
      return { connector, tenant, kind: 'session', id: target.session?.id ?? `${target.account.id}/*` };
    case 'entitlement':
      return { connector, tenant, kind: 'entitlement', id: `${target.account.id}/${target.entitlement.id}` };
    case 'account':
      return { connector, tenant, kind: 'account', id: target.account.id };
  }
}

/** The input of the revocation's connector operation. */
export function operationInput(target: RevocationTarget): Record<string, unknown> {
  switch (target.kind) {
    case 'credential':
      return { credential: target.credential };
    case 'session':
      return target.session === undefined
        ? { account: target.account }
        : { account: target.account, session: target.session };
    case 'entitlement':
      return { account: target.account, entitlement: target.entitlement };
    case 'account':
      return { account: target.account };
  }
}
