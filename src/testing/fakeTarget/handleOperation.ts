import { z } from 'zod';
import type { EffectTarget } from './effectTarget';
import type { AccountRecord, KeyRecord } from './FakeRecords';
import { errorReply, type Reply } from './Reply';
import type { Route } from './routeRequest';
import { type RecordPage, TenantState } from './TenantState';
import { toWire } from './toWire';

/**
 * What a handler needs besides the tenant and route.
 *
 * @example
 * ```ts
 * handleOperation(tenant, route, { query: undefined, body: undefined, pageSize: { default: 100, max: 1000 }, effect: undefined, now: Date.now() });
 * ```
 */
export interface HandlerInput {
  readonly query: URLSearchParams | undefined;
  readonly body: unknown;
  readonly pageSize: { readonly default: number; readonly max: number };
  /** The object the side-effect counters record against, if any. */
  readonly effect: EffectTarget | undefined;
  readonly now: number;
}

const CreateKeyV1 = z.object({
  name: z.string().min(1).max(256),
  type: z.enum(['api_key', 'token']).default('api_key'),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
});
const CreateKeyV2 = z.object({
  account: z.string().min(1).max(256),
  display_name: z.string().min(1).max(256),
  type: z.enum(['api_key', 'token']).default('api_key'),
  expires: z.int().min(0).nullable().optional(),
});
const AddMemberV1 = z.object({ account_id: z.string().min(1).max(256) });
const AddMemberV2 = z.object({ account: z.string().min(1).max(256) });

type Pager = { readonly start: number; readonly size: number; readonly numbered: boolean };

function parsePaging(tenant: TenantState, input: HandlerInput): Pager | Reply {
  const q = input.query;
  const max = input.pageSize.max;
  if (tenant.apiVersion === 'v1') {
    const page = q?.get('page') ?? null;
    const perPage = q?.get('per_page') ?? null;
    const pageNo = page === null ? 1 : Number(page);
    const size = perPage === null ? input.pageSize.default : Number(perPage);
    if (!Number.isInteger(pageNo) || pageNo < 1) {
      return errorReply('v1', 400, 'invalid_request', 'page must be an integer >= 1.');
    }
    if (!Number.isInteger(size) || size < 1 || size > max) {
      return errorReply('v1', 400, 'invalid_request', `per_page must be an integer between 1 and ${max}.`);
    }
    return { start: (pageNo - 1) * size, size, numbered: true };
  }
  const cursor = q?.get('cursor') ?? null;
  const limitText = q?.get('limit') ?? null;
  const size = limitText === null ? input.pageSize.default : Number(limitText);
  if (!Number.isInteger(size) || size < 1 || size > max) {
    return errorReply('v2', 400, 'invalid_request', `limit must be an integer between 1 and ${max}.`);
  }
  let start = 0;
  if (cursor !== null) {
    start = cursor.startsWith('c') ? Number.parseInt(cursor.slice(1), 36) : Number.NaN;
    if (!Number.isInteger(start) || start < 0)
      return errorReply('v2', 400, 'invalid_request', 'cursor is invalid.');
  }
  return { start, size, numbered: false };
}

function listReply<T extends { deleted?: boolean; removed?: boolean }, W1, W2>(
  tenant: TenantState,
  input: HandlerInput,
  list: readonly T[],
  v1: (item: T) => W1,
  v2: (item: T) => W2,
): Reply {
  const pager = parsePaging(tenant, input);
  if ('status' in pager) return pager;
  const page: RecordPage<T> = pager.numbered
    ? TenantState.numberedPage(list, pager.start, pager.size)
    : TenantState.cursorPage(list, pager.start, pager.size);
  if (tenant.apiVersion === 'v1') {
    return {
      status: 200,
      json: { data: page.items.map(v1), next_page: page.next === null ? null : pager.start / pager.size + 2 },
    };
  }
  return {
    status: 200,
    json: { items: page.items.map(v2), cursor: page.next === null ? null : `c${page.next.toString(36)}` },
  };
}

function badBody(tenant: TenantState, error: z.ZodError): Reply {
  const fields = error.issues.map((i) => i.path.join('.') || '(body)').join(', ');
  return errorReply(tenant.apiVersion, 400, 'invalid_request', `Invalid request body: check ${fields}.`);
}

const notFound = (tenant: TenantState, what: string, id: string): Reply =>
  errorReply(tenant.apiVersion, 404, 'not_found', `${what} ${id} does not exist.`);

const accountJson = (tenant: TenantState, a: AccountRecord): unknown =>
  tenant.apiVersion === 'v1' ? toWire.accountV1(a) : toWire.accountV2(a);
const keyJson = (tenant: TenantState, k: KeyRecord): unknown =>
  tenant.apiVersion === 'v1' ? toWire.keyV1(k) : toWire.keyV2(k);

/**
 * Runs one fake-target operation against a tenant's state and returns the reply
 * in the tenant's API version. Records applied side effects. Authentication,
 * rate limits and faults happen before this, in the request pipeline.
 *
 * @example
 * ```ts
 * const reply = handleOperation(tenant, routeRequest('GET', ['accounts'], 'v1'), input);
 * ```
 */
export function handleOperation(tenant: TenantState, route: Route, input: HandlerInput): Reply {
  const v = tenant.apiVersion;
  const applied = (): void => {
    if (input.effect !== undefined) tenant.effects.apply(input.effect.kind, input.effect.id, route.operation);
  };
  switch (route.operation) {
    case 'version.get':
      return { status: 200, json: { api_version: v, supported: ['v1', 'v2'] } };

    case 'account.list':
      return listReply(tenant, input, tenant.accountList, toWire.accountV1, toWire.accountV2);

    case 'account.get': {
      const account = tenant.accounts.get(route.id1);
      return account === undefined
        ? notFound(tenant, 'Account', route.id1)
        : { status: 200, json: accountJson(tenant, account) };
    }

    case 'account.disable':
    case 'account.enable': {
      const account = tenant.accounts.get(route.id1);
      if (account === undefined) return notFound(tenant, 'Account', route.id1);
      const status = route.operation === 'account.disable' ? 'disabled' : 'active';
      if (account.status !== status) {
        account.status = status;
        applied();
      }
      return { status: 200, json: accountJson(tenant, account) };
    }

    case 'account.delete': {
      const account = tenant.accounts.get(route.id1);
      if (account === undefined) return notFound(tenant, 'Account', route.id1);
      tenant.deleteAccount(account);
      applied();
      return { status: 204 };
    }

    case 'key.list': {
      if (v === 'v1' || route.id1 !== '' || input.query?.has('account') === true) {
        const accountId = v === 'v1' ? route.id1 : (input.query?.get('account') ?? '');
        const account = tenant.accounts.get(accountId);
        if (account === undefined) return notFound(tenant, 'Account', accountId);
        return listReply(tenant, input, account.keys, toWire.keyV1, toWire.keyV2);
      }
      return listReply(tenant, input, tenant.keyList, toWire.keyV1, toWire.keyV2);
    }

    case 'key.get':
    case 'key.revoke': {
      const key = tenant.keys.get(route.id2);
      if (key === undefined || (v === 'v1' && key.accountId !== route.id1))
        return notFound(tenant, 'Key', route.id2);
      if (route.operation === 'key.get') return { status: 200, json: keyJson(tenant, key) };
      if (key.status === 'revoked') {
        return errorReply(v, 404, 'not_found', `Key ${key.id} is already revoked.`);
      }
      key.status = 'revoked';
      key.revokedAt = Math.floor(input.now / 1000) * 1000;
      applied();
      return { status: 204 };
    }

    case 'key.create': {
      let accountId: string;
      let label: string;
      let kind: 'api_key' | 'token';
      let expiresAt: number | null;
      if (v === 'v1') {
        const parsed = CreateKeyV1.safeParse(input.body);
        if (!parsed.success) return badBody(tenant, parsed.error);
        accountId = route.id1;
        label = parsed.data.name;
        kind = parsed.data.type;
        expiresAt =
          parsed.data.expires_at == null
            ? null
            : Math.floor(Date.parse(parsed.data.expires_at) / 1000) * 1000;
      } else {
        const parsed = CreateKeyV2.safeParse(input.body);
        if (!parsed.success) return badBody(tenant, parsed.error);
        accountId = parsed.data.account;
        label = parsed.data.display_name;
        kind = parsed.data.type;
        expiresAt = parsed.data.expires == null ? null : parsed.data.expires * 1000;
      }
      const account = tenant.accounts.get(accountId);
      if (account === undefined) return notFound(tenant, 'Account', accountId);
      if (account.status === 'disabled') {
        return errorReply(
          v,
          409,
          'account_disabled',
          `Account ${accountId} is disabled; enable it to create keys.`,
        );
      }
      const { key, secret } = tenant.addKey(accountId, {
        label,
        kind,
        expiresAt,
        createdAt: Math.floor(input.now / 1000) * 1000,
      });
      applied();
      return {
        status: 201,
        json: { ...(keyJson(tenant, key) as object), secret },
        headers: {
          location: `/t/${encodeURIComponent(tenant.id)}${v === 'v1' ? `/accounts/${accountId}/keys/${key.id}` : `/credentials/${key.id}`}`,
        },
      };
    }

    case 'group.list':
      return listReply(tenant, input, tenant.groupList, toWire.groupV1, toWire.groupV2);

    case 'group.get': {
      const group = tenant.groups.get(route.id1);
      if (group === undefined) return notFound(tenant, 'Group', route.id1);
      return { status: 200, json: v === 'v1' ? toWire.groupV1(group) : toWire.groupV2(group) };
    }

    case 'group.members': {
      const group = tenant.groups.get(route.id1);
      if (group === undefined) return notFound(tenant, 'Group', route.id1);
      return listReply(tenant, input, group.memberList, toWire.memberV1, toWire.memberV2);
    }

    case 'group.addMember': {
      const group = tenant.groups.get(route.id1);
      if (group === undefined) return notFound(tenant, 'Group', route.id1);
      const parsed = v === 'v1' ? AddMemberV1.safeParse(input.body) : AddMemberV2.safeParse(input.body);
      if (!parsed.success) return badBody(tenant, parsed.error);
      const accountId = 'account_id' in parsed.data ? parsed.data.account_id : parsed.data.account;
      if (!tenant.accounts.has(accountId)) return notFound(tenant, 'Account', accountId);
      if (group.members.has(accountId)) {
        return errorReply(
          v,
          409,
          'already_member',
          `Account ${accountId} is already a member of ${group.id}.`,
        );
      }
      tenant.addMember(group.id, accountId, Math.floor(input.now / 1000) * 1000);
      applied();
      const entry = group.members.get(accountId);
      return entry === undefined
        ? { status: 201 }
        : { status: 201, json: v === 'v1' ? toWire.memberV1(entry) : toWire.memberV2(entry) };
    }

    case 'group.removeMember': {
      const group = tenant.groups.get(route.id1);
      if (group === undefined) return notFound(tenant, 'Group', route.id1);
      if (tenant.removeMember(group, route.id2)) applied();
      return { status: 204 };
    }

    case 'session.list': {
      const account = tenant.accounts.get(route.id1);
      if (account === undefined) return notFound(tenant, 'Account', route.id1);
      return listReply(tenant, input, account.sessions, toWire.sessionV1, toWire.sessionV2);
    }

    case 'session.revoke': {
      const session = tenant.sessions.get(route.id1);
      if (session === undefined || session.status === 'revoked')
        return notFound(tenant, 'Session', route.id1);
      session.status = 'revoked';
      session.revokedAt = Math.floor(input.now / 1000) * 1000;
      applied();
      return { status: 204 };
    }

    case 'session.revokeAll': {
      const account = tenant.accounts.get(route.id1);
      if (account === undefined) return notFound(tenant, 'Account', route.id1);
      let count = 0;
      for (const session of account.sessions) {
        if (session.deleted || session.status === 'revoked') continue;
        session.status = 'revoked';
        session.revokedAt = Math.floor(input.now / 1000) * 1000;
        count++;
      }
      if (count > 0) applied();
      return { status: 200, json: v === 'v1' ? { revoked: count } : { revoked_count: count } };
    }

    default:
      return errorReply(v, 404, 'not_found', 'No such endpoint.');
  }
}
