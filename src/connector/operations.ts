import { z } from 'zod';
import {
  Account,
  Attributes,
  Credential,
  CredentialKind,
  Entitlement,
  EntitlementKind,
  Id,
  Identity,
  IssuedCredential,
  MAX_PAGE_ITEMS,
  Name,
  pageOf,
  Session,
  Text,
} from '../model';

/** A reference to an account: its target id, optionally the username. */
export const AccountRef = z.object({ id: Id, username: Id.optional() });
/** A reference to a credential. */
export const CredentialRef = z.object({ id: Id, accountId: Id.optional(), kind: CredentialKind.optional() });
/** A reference to an entitlement. */
export const EntitlementRef = z.object({ id: Id, kind: EntitlementKind.optional() });
/** A reference to a session. */
export const SessionRef = z.object({ id: Id });

const listInput = {
  cursor: Text.min(1).optional(),
  pageSize: z.int().min(1).max(MAX_PAGE_ITEMS).optional(),
};

/** Output of operations that only acknowledge: whatever the handler returns is ignored. */
const Ack = z.unknown().transform((): undefined => undefined);

const accountInput = z.object({ account: AccountRef });
const membershipInput = z.object({ account: AccountRef, entitlement: EntitlementRef });

/**
 * The operations a connector can implement, named `object.verb`: input and
 * output schemas, and whether each may be repeated safely by default. This one
 * table types `defineConnector`, validates every call, and derives capabilities.
 */
export const OPERATIONS = {
  'account.list': {
    input: z.object({
      ...listInput,
      filter: z.object({ username: Id.optional(), identityId: Id.optional() }).optional(),
    }),
    output: pageOf(Account),
    idempotent: true,
  },
  'account.get': { input: accountInput, output: Account, idempotent: true },
  'account.create': {
    input: z.object({ identity: Identity, username: Id.optional(), attributes: Attributes.optional() }),
    output: Account,
    idempotent: false,
  },
  'account.update': {
    input: z.object({
      account: AccountRef,
      changes: z.object({ displayName: Name.optional(), attributes: Attributes.optional() }),
    }),
    output: Account,
    idempotent: true,
  },
  'account.enable': { input: accountInput, output: Ack, idempotent: true },
  'account.disable': { input: accountInput, output: Ack, idempotent: true },
  'account.delete': { input: accountInput, output: Ack, idempotent: true },
  'credential.list': {
    input: z.object({ ...listInput, account: AccountRef.optional() }),
    output: pageOf(Credential),
    idempotent: true,
  },
  'credential.get': { input: z.object({ credential: CredentialRef }), output: Credential, idempotent: true },
  'credential.revoke': { input: z.object({ credential: CredentialRef }), output: Ack, idempotent: true },
  'credential.rotate': {
    input: z.object({ credential: CredentialRef }),
    output: IssuedCredential,
    idempotent: false,
  },
  'entitlement.list': {
    input: z.object({ ...listInput, account: AccountRef.optional() }),
    output: pageOf(Entitlement),
    idempotent: true,
  },
  'entitlement.grant': { input: membershipInput, output: Ack, idempotent: true },
  'entitlement.revoke': { input: membershipInput, output: Ack, idempotent: true },
  'session.list': {
    input: z.object({ ...listInput, account: AccountRef }),
    output: pageOf(Session),
    idempotent: true,
  },
  'session.revoke': {
    input: z.object({ account: AccountRef, session: SessionRef.optional() }),
    output: Ack,
    idempotent: true,
  },
  'connection.test': {
    input: z.object({}),
    output: z.strictObject({ ok: z.literal(true), details: Attributes.optional() }),
    idempotent: true,
  },
  'schema.discover': {
    input: z.object({}),
    output: z.strictObject({ version: Name.optional(), details: Attributes.optional() }),
    idempotent: true,
  },
} as const;

/** An operation name, `object.verb`. */
export type OperationName = keyof typeof OPERATIONS;

/** Every operation name, in table order. */
export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

/** What a caller passes to operation `N`. */
export type OperationInput<N extends OperationName> = z.input<(typeof OPERATIONS)[N]['input']>;
/** What a handler of operation `N` receives (validated, defaults applied). */
export type OperationArgs<N extends OperationName> = z.output<(typeof OPERATIONS)[N]['input']>;
/** What a handler of operation `N` returns. */
export type OperationResult<N extends OperationName> = z.input<(typeof OPERATIONS)[N]['output']>;
/** What a caller gets back from operation `N` (validated). */
export type OperationOutput<N extends OperationName> = z.output<(typeof OPERATIONS)[N]['output']>;

/**
 * True when `name` is a known operation name.
 *
 * @example
 * ```ts
 * isOperationName('credential.revoke'); // true
 * ```
 */
export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(OPERATIONS, name);
}
