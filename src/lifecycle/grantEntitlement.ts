import { z } from 'zod';
import type { BoundConnector } from '../connector/BoundConnector';
import { callOptions } from '../connector/callOptions';
import { formatIssues, InvalidInputError, isLifelineError, issuesFromZod } from '../errors';
import { type Entitlement, EntitlementKind, Id } from '../model';
import { isoNow } from '../model/isoNow';
import { ledgerKey } from '../revocation/idempotencyKey';
import type { AccessResult } from './AccessOutcome';
import {
  type AccessOptions,
  accessFingerprint,
  beginAccess,
  completeAccess,
  parseAccessOptions,
  readBackPresent,
  recordAccessFailure,
} from './accessLedger';
import { listAll } from './discover';

/** What {@link grantEntitlement} grants: an entitlement to an account. */
export const GrantInput = z.object({
  account: z.object({ id: Id, username: Id.optional() }),
  entitlement: z.object({ id: Id, kind: EntitlementKind.optional() }),
});
/** What callers pass to {@link grantEntitlement}. */
export type GrantInput = z.input<typeof GrantInput>;

/** Codes that say retrying this grant will not help: remembered until `store.reset(key)`. */
const STICKY = new Set(['forbidden', 'invalid_input', 'unsupported', 'permanent', 'not_found']);

/**
 * Whether `entitlementId` is among the account's entitlements (`entitlement.list`).
 *
 * @example
 * ```ts
 * await hasEntitlement(acme, { id: 'acc_1' }, 'grp_ci'); // true once granted
 * ```
 */
export async function hasEntitlement(
  bound: BoundConnector,
  account: { id: string; username?: string | undefined },
  entitlementId: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const ref = { id: account.id, ...(account.username === undefined ? {} : { username: account.username }) };
  for await (const entitlement of listAll<Entitlement>(bound, 'entitlement.list', { account: ref }, signal)) {
    if (entitlement.id === entitlementId) return true;
  }
  return false;
}

/**
 * Grants an entitlement to an account once per lifecycle event, remembered in
 * the store's ledger across retries and crashes, and verified by reading the
 * account's entitlements back (`entitlement.list` contains it). A completed key
 * replays its outcome without calling the target. `already_exists` from the
 * target counts as `already_present`; `not_found` (no such account or group)
 * is a permanent failure.
 *
 * @example
 * ```ts
 * const outcome = await grantEntitlement(acme, { account: { id: 'acc_1' }, entitlement: { id: 'grp_ci' } }, {
 *   store: memoryStore(), eventId: 'evt-joiner-7',
 * });
 * // { status: 'applied', verified: true, evidence: { method: 'list', observed: 'present', ... }, ... }
 * ```
 */
export async function grantEntitlement(
  bound: BoundConnector,
  input: GrantInput,
  options: AccessOptions,
): Promise<AccessResult> {
  const parsedInput = GrantInput.safeParse(input);
  if (!parsedInput.success) {
    const issues = issuesFromZod(parsedInput.error);
    throw new InvalidInputError(`Invalid grant:\n${formatIssues(issues)}`, { issues });
  }
  const { account, entitlement } = parsedInput.data;
  const { owner, leaseMs, maxWaitMs } = parseAccessOptions(options);
  const { store, signal } = options;
  const ref = {
    connector: bound.id,
    tenant: bound.tenant,
    kind: 'entitlement' as const,
    id: `${account.id}/${entitlement.id}`,
  };
  const key = ledgerKey(ref, 'entitlement.grant', options.eventId);
  const fingerprint = accessFingerprint([
    'entitlement.grant',
    bound.id,
    bound.tenant,
    account.id,
    account.username ?? null,
    entitlement.id,
    entitlement.kind ?? null,
  ]);
  const begun = await beginAccess(
    store,
    'entitlement.grant',
    key,
    fingerprint,
    { owner, leaseMs, maxWaitMs },
    signal,
  );
  if ('result' in begun) return begun.result;
  const { attempted } = begun;

  let status: 'applied' | 'already_present' = 'applied';
  try {
    await bound.call('entitlement.grant', { account, entitlement }, callOptions(signal));
  } catch (error) {
    if (isLifelineError(error, 'already_exists')) status = 'already_present';
    else {
      const code = isLifelineError(error) ? error.code : 'permanent';
      return recordAccessFailure(store, owner, error, attempted, STICKY.has(code));
    }
  }
  let evidence: Awaited<ReturnType<typeof readBackPresent>>;
  try {
    evidence = await readBackPresent(
      bound,
      'list',
      () => hasEntitlement(bound, account, entitlement.id, signal),
      options.verify,
      signal,
    );
  } catch (error) {
    // Granting again is harmless (idempotent): a failing read-back is a retryable failure.
    return recordAccessFailure(store, owner, error, attempted, false, '(while reading the grant back)');
  }
  return completeAccess(store, owner, {
    ...attempted,
    status,
    verified: evidence?.observed === 'present',
    ...(evidence === undefined ? {} : { evidence }),
    at: isoNow(),
  });
}
