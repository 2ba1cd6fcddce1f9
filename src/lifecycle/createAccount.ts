import { z } from 'zod';
import type { BoundConnector } from '../connector/BoundConnector';
import { formatIssues, InvalidInputError, isLifelineError, issuesFromZod, PermanentError } from '../errors';
import { type Account, Attributes, Id, Identity } from '../model';
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

/** What {@link createAccount} creates: an account for an identity. */
export const CreateAccountInput = z.object({
  identity: Identity,
  /** The account's username (default: the identity id). */
  username: Id.optional(),
  attributes: Attributes.optional(),
});
/** What callers pass to {@link createAccount}. */
export type CreateAccountInput = z.input<typeof CreateAccountInput>;

/** Finds an account by username with `account.list`; `undefined` when the connector cannot list. */
async function lookup(
  bound: BoundConnector,
  username: string,
  signal: AbortSignal | undefined,
): Promise<Account | null | undefined> {
  if (!bound.supports('account.list')) return undefined;
  for await (const account of listAll<Account>(bound, 'account.list', { filter: { username } }, signal)) {
    if (account.username === username) return account;
  }
  return null;
}

/** Whether the account can be read back (`account.get`). */
async function exists(bound: BoundConnector, id: string, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    const account = await bound.call(
      'account.get',
      { account: { id } },
      signal === undefined ? {} : { signal },
    );
    return account.status !== 'deleted';
  } catch (error) {
    if (isLifelineError(error, 'not_found')) return false;
    throw error;
  }
}

/**
 * Creates an account at most once per (connector, tenant, username, lifecycle
 * event), although `account.create` is not idempotent: the store's ledger
 * guards it across retries, crashes and workers.
 *
 * - A completed key replays the created account without calling the target.
 * - A failed create is tried again only when it provably never reached the
 *   target (`mayHaveReachedServer === false`); otherwise it is remembered as a
 *   permanent failure (escalate it; `store.reset(key)` after checking by hand).
 * - An attempt that was interrupted (a crash, an expired lease) is reconciled
 *   by looking the username up (`account.list`): found, it is adopted
 *   (`already_present`); not found or not listable, it is a permanent failure,
 *   never a second create.
 * - The created account is verified by reading it back (`account.get`).
 *
 * @example
 * ```ts
 * const outcome = await createAccount(hr, { identity: { id: 'svc-etl', kind: 'service_account' } }, {
 *   store, eventId: 'evt-joiner-7',
 * });
 * if (outcome.status === 'applied' && outcome.verified) grant(outcome.account.id);
 * ```
 */
export async function createAccount(
  bound: BoundConnector,
  input: CreateAccountInput,
  options: AccessOptions,
): Promise<AccessResult> {
  const parsedInput = CreateAccountInput.safeParse(input);
  if (!parsedInput.success) {
    const issues = issuesFromZod(parsedInput.error);
    throw new InvalidInputError(`Invalid account to create:\n${formatIssues(issues)}`, { issues });
  }
  const { identity, attributes } = parsedInput.data;
  const username = parsedInput.data.username ?? identity.id;
  const { owner, leaseMs, maxWaitMs } = parseAccessOptions(options);
  const { store, signal } = options;
  const callOptions = signal === undefined ? {} : { signal };
  const ref = { connector: bound.id, tenant: bound.tenant, kind: 'account' as const, id: username };
  const key = ledgerKey(ref, 'account.create', options.eventId);
  const fingerprint = accessFingerprint(['account.create', bound.id, bound.tenant, username, identity.id]);

  // An `in_progress` record that we can acquire is an interrupted attempt whose
  // create may have reached the target. (Safe failures are recorded as `failed`.)
  const prior = await store.get(key, callOptions);
  const begun = await beginAccess(
    store,
    'account.create',
    key,
    fingerprint,
    { owner, leaseMs, maxWaitMs },
    signal,
  );
  if ('result' in begun) return begun.result;
  const { attempted } = begun;

  const verifyAndComplete = async (account: Account, status: 'applied' | 'already_present') => {
    const created = {
      id: account.id,
      ...(account.username === undefined ? {} : { username: account.username }),
    };
    let evidence: Awaited<ReturnType<typeof readBackPresent>>;
    let detail: string | undefined;
    try {
      evidence = bound.supports('account.get')
        ? await readBackPresent(
            bound,
            'read_back',
            () => exists(bound, account.id, signal),
            options.verify,
            signal,
          )
        : {
            method: 'none',
            observed: 'unknown',
            at: isoNow(),
            checks: 0,
            detail: `connector ${bound.id} has no account.get to read the account back`,
          };
    } catch (error) {
      // The account exists (the target said so): record it, unverified, never fail the key.
      detail = `read-back failed: ${isLifelineError(error) ? error.code : 'error'}`;
      evidence = {
        method: 'read_back',
        observed: 'unknown',
        at: isoNow(),
        checks: 1,
        detail,
      };
    }
    return completeAccess(store, owner, {
      ...attempted,
      status,
      verified: evidence?.observed === 'present',
      account: created,
      ...(evidence === undefined ? {} : { evidence }),
      at: isoNow(),
    });
  };

  if (prior?.status === 'in_progress') {
    let found: Account | null | undefined;
    try {
      found = await lookup(bound, username, signal);
    } catch (error) {
      // Cannot tell yet whether the interrupted create landed: try again later, never create blindly.
      return recordAccessFailure(
        store,
        owner,
        error,
        attempted,
        false,
        '(while reconciling an interrupted create)',
      );
    }
    if (found) return verifyAndComplete(found, 'already_present');
    return recordAccessFailure(
      store,
      owner,
      new PermanentError(
        `An earlier attempt to create account "${username}" was interrupted and may have reached ${bound.id}; ${found === null ? 'no account with that username is listed yet' : 'the connector cannot list accounts to check'}. Check the target, then store.reset(key) to create it.`,
      ),
      attempted,
      true,
    );
  }

  let account: Account;
  try {
    account = await bound.call(
      'account.create',
      { identity, username, ...(attributes === undefined ? {} : { attributes }) },
      callOptions,
    );
  } catch (error) {
    const safe = isLifelineError(error) && error.mayHaveReachedServer === false;
    return recordAccessFailure(
      store,
      owner,
      error,
      attempted,
      !safe,
      safe ? undefined : '(the create may have reached the target; not retried)',
    );
  }
  return verifyAndComplete(account, 'applied');
}
