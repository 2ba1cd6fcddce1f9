/**
 * The versions of connector-template's API this connector speaks, newest
 * first. Each adapter holds the wire schemas of one version and maps them to
 * Lifeline's canonical model; a payload that fits no adapter is
 * `schema_drift`, never a silent success.
 *
 * TODO: replace the wire schemas with the target's real payloads (copy one
 * response per object kind from the API docs or a sandbox).
 */
import { type Account, type Credential, defineAdapter } from 'lifeline';
import { z } from 'zod';

// ---- v1 --------------------------------------------------------------------

const AccountV1 = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'disabled']),
  created_at: z.string(),
});
const KeyV1 = z.object({
  key_id: z.string(),
  account_id: z.string(),
  name: z.string(),
  state: z.enum(['active', 'revoked']),
  created_at: z.string(),
});
const listV1 = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next_page: z.number().int().nullable() });
const nextV1 = (page: number | null) => (page === null ? {} : { nextCursor: String(page) });

const accountV1 = (w: z.infer<typeof AccountV1>): Account => ({
  id: w.id,
  username: w.name,
  status: w.status,
  kind: 'service_account',
  createdAt: w.created_at,
});
const keyV1 = (w: z.infer<typeof KeyV1>): Credential => ({
  id: w.key_id,
  accountId: w.account_id,
  kind: 'api_key',
  status: w.state,
  label: w.name,
  createdAt: w.created_at,
});

/** connector-template API v1. */
export const connectorTemplateV1 = defineAdapter({
  version: 'v1',
  schemas: {
    account: AccountV1,
    accountList: listV1(AccountV1),
    credential: KeyV1,
    credentialList: listV1(KeyV1),
  },
  toModel: {
    account: accountV1,
    accountList: (w) => ({ items: w.data.map(accountV1), ...nextV1(w.next_page) }),
    credential: keyV1,
    credentialList: (w) => ({ items: w.data.map(keyV1), ...nextV1(w.next_page) }),
  },
});

// ---- v2 --------------------------------------------------------------------

const AccountV2 = z.object({
  id: z.string(),
  display_name: z.string(),
  state: z.object({ enabled: z.boolean() }),
  created: z.number().int().nonnegative(),
});
const KeyV2 = z.object({
  id: z.string(),
  account: z.string(),
  display_name: z.string(),
  revoked: z.boolean(),
  created: z.number().int().nonnegative(),
});
const listV2 = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), cursor: z.string().nullable() });
const nextV2 = (cursor: string | null) => (cursor === null ? {} : { nextCursor: cursor });
const toIso = (seconds: number) => new Date(seconds * 1000).toISOString();

const accountV2 = (w: z.infer<typeof AccountV2>): Account => ({
  id: w.id,
  username: w.display_name,
  status: w.state.enabled ? 'active' : 'disabled',
  kind: 'service_account',
  createdAt: toIso(w.created),
});
const keyV2 = (w: z.infer<typeof KeyV2>): Credential => ({
  id: w.id,
  accountId: w.account,
  kind: 'api_key',
  status: w.revoked ? 'revoked' : 'active',
  label: w.display_name,
  createdAt: toIso(w.created),
});

/** connector-template API v2. */
export const connectorTemplateV2 = defineAdapter({
  version: 'v2',
  schemas: {
    account: AccountV2,
    accountList: listV2(AccountV2),
    credential: KeyV2,
    credentialList: listV2(KeyV2),
  },
  toModel: {
    account: accountV2,
    accountList: (w) => ({ items: w.items.map(accountV2), ...nextV2(w.cursor) }),
    credential: keyV2,
    credentialList: (w) => ({ items: w.items.map(keyV2), ...nextV2(w.cursor) }),
  },
});
