import { defineConnector } from '../../connector/defineConnector';
import type { OperationContext } from '../../connector/OperationContext';
import { InvalidInputError, type ValidationIssue } from '../../errors';
import type { Account, Identity } from '../../model';
import type { ResilienceOptions } from '../../resilience/ResilienceOptions';
import { decodeListCursor } from './listCursor';
import { userTypeFor } from './resolveAccountKind';
import { type ScimCapabilities, scimCapabilities, scimUserAttributes } from './ScimCapabilities';
import { EnterpriseAttribute, ScimConfig } from './ScimConfig';
import { ScimEntitlements } from './ScimEntitlements';
import { ScimHttp } from './ScimHttp';
import { ScimUsers } from './ScimUsers';
import { SCIM_URN } from './scimWire';
import { toAccount } from './toAccount';

/** Options of {@link createScimConnector}. */
export interface ScimConnectorOptions {
  /** Connector id (default `scim`), e.g. one per SCIM product. */
  readonly id?: string;
  /**
   * The `fetch` SCIM requests go through; the global one (looked up per call)
   * by default. The connector reads SCIM error bodies, so it calls this fetch
   * directly rather than the binding's classified `ctx.fetch`.
   */
  readonly fetch?: typeof globalThis.fetch;
  /** Resilience of every call (see `defineConnector`); the defaults when absent. */
  readonly resilience?: ResilienceOptions | false;
}

/** The connector version, reported in audit and drift errors. */
export const SCIM_CONNECTOR_VERSION = '1.0.0';

type Ctx = OperationContext<ScimConfig>;

const CREATE_ATTRIBUTES = new Set(['userType', 'displayName', 'title', ...EnterpriseAttribute.options]);

function createBody(
  identity: Identity,
  username: string | undefined,
  attributes: Readonly<Record<string, unknown>> | undefined,
  ctx: Ctx,
  caps: ScimCapabilities,
): Record<string, unknown> {
  const issues: ValidationIssue[] = [];
  const core: Record<string, unknown> = {};
  const enterprise: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (!CREATE_ATTRIBUTES.has(key)) {
      issues.push({
        path: ['attributes', key],
        message: `is not a SCIM attribute the connector sets (${[...CREATE_ATTRIBUTES].join(', ')})`,
      });
    } else if (typeof value !== 'string') {
      issues.push({ path: ['attributes', key], message: 'must be a string' });
    } else if ((EnterpriseAttribute.options as readonly string[]).includes(key)) {
      enterprise[key] = value;
    } else {
      core[key] = value;
    }
  }
  if (Object.keys(enterprise).length > 0 && !caps.enterpriseExtension) {
    issues.push({
      path: ['attributes'],
      message: 'has enterprise attributes, but the server does not declare the enterprise extension',
    });
  }
  if (issues.length > 0) {
    throw new InvalidInputError(
      `Invalid attributes for SCIM account.create:\n${issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`,
      { issues, mayHaveReachedServer: false },
    );
  }
  const userType =
    core.userType ?? (identity.kind === 'human' ? undefined : userTypeFor(identity.kind, ctx.config));
  const hasEnterprise = Object.keys(enterprise).length > 0;
  return {
    schemas: hasEnterprise ? [SCIM_URN.user, SCIM_URN.enterpriseUser] : [SCIM_URN.user],
    userName: username ?? identity.id,
    externalId: identity.id,
    active: true,
    ...(identity.displayName === undefined ? {} : { displayName: identity.displayName }),
    ...core,
    ...(userType === undefined ? {} : { userType }),
    ...(hasEnterprise ? { [SCIM_URN.enterpriseUser]: enterprise } : {}),
  };
}

function capabilityDetails(caps: ScimCapabilities): Record<string, string | number | boolean> {
  return {
    discovered: caps.discovered,
    patch: caps.patch,
    etag: caps.etag,
    filter: caps.filter,
    ...(caps.filterMaxResults === undefined ? {} : { filterMaxResults: caps.filterMaxResults }),
    sort: caps.sort,
    bulk: caps.bulk,
    userEndpoint: caps.userEndpoint,
    ...(caps.groupEndpoint === undefined ? {} : { groupEndpoint: caps.groupEndpoint }),
    enterpriseExtension: caps.enterpriseExtension,
    authenticationSchemes: caps.authenticationSchemes.join(',').slice(0, 4096),
  };
}

/**
 * Creates a SCIM 2.0 (RFC 7643/7644) connector: discovery-driven capabilities,
 * Users (paged, filtered with escaped values, PATCH or PUT to disable),
 * groups, roles and entitlements, the enterprise extension, and non-human
 * kinds from configurable rules. Every payload is validated (`schema_drift`
 * otherwise); failures are classified from the status and SCIM error body.
 *
 * @example
 * ```ts
 * const okta = createScimConnector({ id: 'okta-scim' });
 * const bound = okta.with({ baseUrl: 'https://idp.example.com/scim/v2' }, staticCredential(token));
 * await bound.call('account.disable', { account: { id: userId } });
 * ```
 */
export function createScimConnector(options: ScimConnectorOptions = {}) {
  const http = (ctx: Ctx) =>
    new ScimHttp(ctx, options.fetch ?? ((input, init) => globalThis.fetch(input, init)));
  const users = (ctx: Ctx) => ScimUsers.open(http(ctx));
  const toModel = (ctx: Ctx) => {
    const client = http(ctx);
    return (user: Parameters<typeof toAccount>[0]): Account =>
      toAccount(user, ctx.config, (location) => client.resolveLocation(location));
  };
  return defineConnector({
    id: options.id ?? 'scim',
    version: SCIM_CONNECTOR_VERSION,
    description: 'SCIM 2.0 (RFC 7643/7644) service provider: Users, Groups, roles, enterprise extension',
    config: ScimConfig,
    ...(options.resilience === undefined ? {} : { resilience: options.resilience }),
    operations: {
      'connection.test': async (ctx) => {
        const client = http(ctx);
        const caps = await scimCapabilities(client, { refresh: true });
        // /ServiceProviderConfig needs no authentication (RFC 7644 §4); prove the token on /Users.
        await client.read(
          { method: 'GET', path: caps.userEndpoint, query: { startIndex: 1, count: 1 } },
          'userList',
        );
        return { ok: true as const, details: capabilityDetails(caps) };
      },
      'schema.discover': async (ctx) => {
        const client = http(ctx);
        const caps = await scimCapabilities(client, { refresh: true });
        const attributes = await scimUserAttributes(client);
        return {
          version: 'scim-2.0',
          details: {
            ...capabilityDetails(caps),
            userAttributes: attributes.join(',').slice(0, 4096),
            roles: attributes.includes('roles'),
            entitlements: attributes.includes('entitlements'),
          },
        };
      },
      'account.list': async (ctx, { cursor, pageSize, filter }) => {
        if (cursor !== undefined) decodeListCursor(cursor); // a foreign cursor fails before any request
        const client = await users(ctx);
        const map = toModel(ctx);
        if (filter?.username !== undefined || filter?.identityId !== undefined) {
          const found =
            filter.username !== undefined
              ? await client.find('userName', filter.username)
              : await client.find('externalId', filter.identityId as string);
          const kept =
            filter.username !== undefined && filter.identityId !== undefined
              ? found.filter((u) => u.externalId === filter.identityId)
              : found;
          return { items: kept.map(map) };
        }
        const page = await client.page(cursor, pageSize);
        return {
          items: page.users.map(map),
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
        };
      },
      'account.get': async (ctx, { account }) => {
        const { user } = await (await users(ctx)).get(account.id);
        return toModel(ctx)(user);
      },
      'account.create': async (ctx, { identity, username, attributes }) => {
        const client = await users(ctx);
        const created = await client.create(createBody(identity, username, attributes, ctx, client.caps));
        return toModel(ctx)(created);
      },
      'account.disable': async (ctx, { account }) => {
        await (await users(ctx)).setActive(account.id, false);
      },
      'account.enable': async (ctx, { account }) => {
        await (await users(ctx)).setActive(account.id, true);
      },
      'account.delete': async (ctx, { account }) => {
        await (await users(ctx)).delete(account.id);
      },
      'entitlement.list': async (ctx, { account, cursor, pageSize }) => {
        const client = http(ctx);
        const entitlements = new ScimEntitlements(client, await ScimUsers.open(client));
        if (account === undefined) return entitlements.listGroups(cursor, pageSize);
        return { items: await entitlements.list(account.id) };
      },
      'entitlement.grant': async (ctx, { account, entitlement }) => {
        const client = http(ctx);
        await new ScimEntitlements(client, await ScimUsers.open(client)).grant(account.id, entitlement);
      },
      'entitlement.revoke': async (ctx, { account, entitlement }) => {
        const client = http(ctx);
        await new ScimEntitlements(client, await ScimUsers.open(client)).revoke(account.id, entitlement);
      },
    },
  });
}

/**
 * The SCIM 2.0 connector with default options (id `scim`, global `fetch`).
 *
 * @example
 * ```ts
 * const bound = scim.with({ baseUrl: 'https://idp.example.com/scim/v2', tenant: 'acme' }, staticCredential(token));
 * const page = await bound.call('account.list', { filter: { username: 'svc-ci' } });
 * ```
 */
export const scim = createScimConnector();
