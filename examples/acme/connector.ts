/**
 * A connector for "Acme" — the fake target in `lifeline/testing` — written the
 * way a connector author would write one for a real SaaS API: two adapter
 * versions, version detection by probe and by the `x-api-version` header on
 * every response, and every payload read through `ctx.adapter`.
 */
import {
  type Adapter,
  defineConnector,
  InvalidInputError,
  isLifelineError,
  type OperationContext,
  type Page,
} from 'lifeline';
import { z } from 'zod';
import { acmeV1, acmeV2 } from './adapters';

/** Acme connector config. */
export const AcmeConfig = z.object({
  /** The tenant's API base, e.g. `target.tenantUrl('acme')`. */
  baseUrl: z.url(),
  tenant: z.string().min(1).max(128),
  pageSize: z.int().min(1).max(1000).default(100),
});
type Config = z.output<typeof AcmeConfig>;
type Ctx = OperationContext<Config>;

const Version = z.object({ api_version: z.string() });

function headers(ctx: Ctx, body?: unknown): RequestInit {
  const init: RequestInit & { headers: Record<string, string> } = {
    headers: { authorization: `Bearer ${ctx.credential?.reveal() ?? ''}`, accept: 'application/json' },
  };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return init;
}

const v2 = (ctx: Ctx) => ctx.adapter.version === 'v2';
const url = (ctx: Ctx, path: string) => `${ctx.config.baseUrl}${path}`;
const seg = encodeURIComponent;

function pageQuery(ctx: Ctx, cursor: string | undefined, pageSize: number | undefined): string {
  const size = pageSize ?? ctx.config.pageSize;
  if (v2(ctx)) return `limit=${size}${cursor === undefined ? '' : `&cursor=${seg(cursor)}`}`;
  return `per_page=${size}&page=${cursor === undefined ? 1 : seg(cursor)}`;
}

async function get(ctx: Ctx, path: string): Promise<Response> {
  return ctx.fetch(url(ctx, path), { ...headers(ctx), method: 'GET' });
}

/** Every page of a list, through the adapter's `kind` mapping. */
async function* pages<T>(ctx: Ctx, kind: string, path: (query: string) => string): AsyncGenerator<Page<T>> {
  let cursor: string | undefined;
  for (let page = 0; page < 100_000; page++) {
    const result = (await ctx.adapter.readResponse(
      kind,
      await get(ctx, path(pageQuery(ctx, cursor, undefined))),
    )) as Page<T> & {
      nextCursor?: string;
    };
    yield result;
    if (result.nextCursor === undefined) return;
    cursor = result.nextCursor;
  }
}

/** The groups `accountId` belongs to. Acme has no "groups of an account" endpoint: scan groups' members. */
async function groupsOf(ctx: Ctx, accountId: string) {
  const groups = [];
  for await (const page of pages<{ id: string; kind: 'group'; name?: string }>(
    ctx,
    'entitlementList',
    (q) => `/groups?${q}`,
  )) {
    for (const group of page.items) {
      for await (const members of pages<never>(
        ctx,
        'memberList',
        (q) => `/groups/${seg(group.id)}/members?${q}`,
      )) {
        if ((members as unknown as { ids: string[] }).ids.includes(accountId)) {
          groups.push({ ...group, accountId });
          break;
        }
      }
    }
  }
  return groups;
}

function keyPath(ctx: Ctx, credential: { id: string; accountId?: string | undefined }): string {
  if (v2(ctx)) return `/credentials/${seg(credential.id)}`;
  if (credential.accountId === undefined) {
    throw new InvalidInputError(
      `Acme API v1 addresses keys by account: pass credential.accountId for ${credential.id}.`,
    );
  }
  return `/accounts/${seg(credential.accountId)}/keys/${seg(credential.id)}`;
}

/** Options of {@link createAcmeConnector}. */
export interface AcmeConnectorOptions {
  /** The API versions it speaks, newest first (default: v2 and v1). */
  readonly adapters?: readonly Adapter[];
}

/**
 * Builds the Acme connector; pass `adapters: [acmeV1]` for a connector that
 * only knows the old API (what a team that has not yet updated would run).
 *
 * @example
 * ```ts
 * const legacyAcme = createAcmeConnector({ adapters: [acmeV1] });
 * ```
 */
export function createAcmeConnector(options: AcmeConnectorOptions = {}) {
  return defineConnector({
    id: 'acme',
    version: '1.0.0',
    description: 'Acme service accounts, API keys, groups and sessions (API v1 and v2)',
    config: AcmeConfig,
    adapters: options.adapters ?? [acmeV2, acmeV1],
    versioning: {
      probe: async (ctx) => Version.parse(await (await get(ctx, '/version')).json()).api_version,
      header: 'x-api-version',
    },
    operations: {
      'connection.test': async (ctx) => {
        await get(ctx, '/version');
        return { ok: true };
      },
      'schema.discover': async (ctx) => ({ version: ctx.adapter.version }),
      'account.list': async (ctx, { cursor, pageSize }) =>
        ctx.adapter.readResponse(
          'accountList',
          await get(ctx, `/accounts?${pageQuery(ctx, cursor, pageSize)}`),
        ),
      'account.get': async (ctx, { account }) =>
        ctx.adapter.readResponse('account', await get(ctx, `/accounts/${seg(account.id)}`)),
      'account.disable': async (ctx, { account }) => {
        const response = await ctx.fetch(url(ctx, `/accounts/${seg(account.id)}/disable`), {
          ...headers(ctx),
          method: 'POST',
        });
        // Fail closed: the response must be an account in the active version's shape.
        await ctx.adapter.readResponse('account', response);
      },
      'account.enable': async (ctx, { account }) => {
        const response = await ctx.fetch(url(ctx, `/accounts/${seg(account.id)}/enable`), {
          ...headers(ctx),
          method: 'POST',
        });
        await ctx.adapter.readResponse('account', response);
      },
      'account.delete': async (ctx, { account }) => {
        await ctx.fetch(url(ctx, `/accounts/${seg(account.id)}`), { ...headers(ctx), method: 'DELETE' });
      },
      'credential.list': async (ctx, { account, cursor, pageSize }) => {
        const query = pageQuery(ctx, cursor, pageSize);
        if (v2(ctx)) {
          const filter = account === undefined ? '' : `account=${seg(account.id)}&`;
          return ctx.adapter.readResponse('credentialList', await get(ctx, `/credentials?${filter}${query}`));
        }
        if (account === undefined)
          throw new InvalidInputError('Acme API v1 lists keys per account: pass { account }.');
        return ctx.adapter.readResponse(
          'credentialList',
          await get(ctx, `/accounts/${seg(account.id)}/keys?${query}`),
        );
      },
      'credential.get': async (ctx, { credential }) =>
        ctx.adapter.readResponse('credential', await get(ctx, keyPath(ctx, credential))),
      'credential.revoke': async (ctx, { credential }) => {
        await ctx.fetch(url(ctx, keyPath(ctx, credential)), { ...headers(ctx), method: 'DELETE' });
      },
      'entitlement.list': async (ctx, { account }) => {
        if (account === undefined) {
          return ctx.adapter.readResponse(
            'entitlementList',
            await get(ctx, `/groups?${pageQuery(ctx, undefined, 1000)}`),
          );
        }
        return { items: await groupsOf(ctx, account.id) };
      },
      'entitlement.revoke': async (ctx, { account, entitlement }) => {
        await ctx.fetch(url(ctx, `/groups/${seg(entitlement.id)}/members/${seg(account.id)}`), {
          ...headers(ctx),
          method: 'DELETE',
        });
      },
      'entitlement.grant': async (ctx, { account, entitlement }) => {
        const body = v2(ctx) ? { account: account.id } : { account_id: account.id };
        try {
          await ctx.fetch(url(ctx, `/groups/${seg(entitlement.id)}/members`), {
            ...headers(ctx, body),
            method: 'POST',
          });
        } catch (error) {
          if (!isLifelineError(error, 'conflict')) throw error; // 409: already a member
        }
      },
      'session.list': async (ctx, { account, cursor, pageSize }) =>
        ctx.adapter.readResponse(
          'sessionList',
          await get(ctx, `/accounts/${seg(account.id)}/sessions?${pageQuery(ctx, cursor, pageSize)}`),
        ),
      'session.revoke': async (ctx, { account, session }) => {
        const path =
          session === undefined ? `/accounts/${seg(account.id)}/sessions` : `/sessions/${seg(session.id)}`;
        await ctx.fetch(url(ctx, path), { ...headers(ctx), method: 'DELETE' });
      },
    },
  });
}

/**
 * The Acme connector, speaking API v2 and v1.
 *
 * @example
 * ```ts
 * const target = await createFakeTarget();
 * const bound = acme.with({ baseUrl: target.tenantUrl('acme'), tenant: 'acme' }, staticCredential(target.token('acme')));
 * await bound.call('credential.revoke', { credential: { id: 'key_1', accountId: 'acc_ci' } });
 * ```
 */
export const acme = createAcmeConnector();
