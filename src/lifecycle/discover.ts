import type { BoundConnector } from '../connector/BoundConnector';
import { callOptions } from '../connector/callOptions';
import { isLifelineError } from '../errors';
import type { Account, Credential, Identity } from '../model';

/** Most pages read from one list during discovery. */
const MAX_PAGES = 100_000;

/**
 * Reads every page of a list operation. With `prefetch`, the next page is
 * requested as soon as a page arrives, while the caller works through this one
 * (planning a large emergency revocation overlaps listing with journaling); at
 * most one page is read ahead, and it is dropped when the caller stops early.
 *
 * @example
 * ```ts
 * for await (const credential of listAll(acme, 'credential.list', { account })) ...
 * ```
 */
export async function* listAll<T>(
  bound: BoundConnector,
  operation: 'account.list' | 'credential.list' | 'entitlement.list' | 'session.list',
  input: Record<string, unknown>,
  signal?: AbortSignal,
  prefetch = false,
): AsyncGenerator<T> {
  type Page = { items: readonly T[]; nextCursor?: string };
  const read = (cursor: string | undefined): Promise<Page> =>
    bound.call(
      operation,
      { ...input, ...(cursor === undefined ? {} : { cursor }) } as never,
      callOptions(signal),
    ) as unknown as Promise<Page>;
  let next: Promise<Page> | undefined = read(undefined);
  for (let page = 0; page < MAX_PAGES && next !== undefined; page++) {
    const result: Page = await next;
    const cursor = page + 1 < MAX_PAGES ? result.nextCursor : undefined;
    next = prefetch && cursor !== undefined ? read(cursor) : undefined;
    // Observed now so an early stop leaves no unhandled rejection; awaited above otherwise.
    next?.catch(() => {});
    yield* result.items;
    if (!prefetch && cursor !== undefined) next = read(cursor);
  }
}

/**
 * Finds the identity's accounts at one connector: by `identity.externalIds[name]`
 * (the connector's name in the lifecycle, else its id)
 * (one `account.get`), else by listing accounts and matching `identityId`,
 * `username` or `id` against the identity id.
 *
 * @example
 * ```ts
 * const accounts = await findAccounts(acme, { id: 'svc-ci', kind: 'service_account' });
 * ```
 */
export async function findAccounts(
  bound: BoundConnector,
  identity: Identity,
  signal?: AbortSignal,
  name: string = bound.id,
): Promise<Account[]> {
  const known =
    identity.externalIds?.[name] ?? (name === bound.id ? undefined : identity.externalIds?.[bound.id]);
  const options = callOptions(signal);
  if (known !== undefined) {
    try {
      return [await bound.call('account.get', { account: { id: known } }, options)];
    } catch (error) {
      if (isLifelineError(error, 'not_found')) return [];
      throw error;
    }
  }
  const found: Account[] = [];
  for await (const account of listAll<Account>(
    bound,
    'account.list',
    { filter: { identityId: identity.id } },
    signal,
  )) {
    if (
      account.identityId === identity.id ||
      account.username === identity.id ||
      account.id === identity.id
    ) {
      found.push(account);
    }
  }
  return found;
}

/**
 * Lists credentials across a connector: in one list when the connector can list
 * without an account, else account by account. `prefetch` reads the next page
 * of the one list while the caller works through the current one.
 *
 * @example
 * ```ts
 * for await (const key of allCredentials(acme)) ...
 * ```
 */
export async function* allCredentials(
  bound: BoundConnector,
  signal?: AbortSignal,
  prefetch = false,
): AsyncGenerator<Credential> {
  try {
    yield* listAll<Credential>(bound, 'credential.list', {}, signal, prefetch);
    return;
  } catch (error) {
    if (!isLifelineError(error, 'invalid_input') && !isLifelineError(error, 'unsupported')) throw error;
  }
  for await (const account of listAll<Account>(bound, 'account.list', {}, signal)) {
    for await (const credential of listAll<Credential>(
      bound,
      'credential.list',
      { account: { id: account.id } },
      signal,
    )) {
      yield credential.accountId === undefined ? { ...credential, accountId: account.id } : credential;
    }
  }
}
