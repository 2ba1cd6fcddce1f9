/**
 * The connector-template connector. Every operation is a stub that fails
 * loudly until it is implemented: run `npm test` to see which conformance
 * checks still fail, implement the operation the first failure names, repeat.
 *
 * See docs/writing-a-connector.md and docs/testing-a-connector.md in lifeline.
 */
import { defineConnector, type OperationName, UnsupportedError } from 'lifeline';
import { z } from 'zod';
import { connectorTemplateV1, connectorTemplateV2 } from './adapters';

/** The connector id, as audit events and errors name it. */
export const CONNECTOR_ID = 'connector-template';

/** connector-template connector config; `with()` validates it. */
export const ConnectorTemplateConfig = z.object({
  /** The tenant's API base URL, e.g. `https://api.example.com/t/main`. */
  baseUrl: z.url(),
  /** The tenant this binding talks to (audit, breaker and rate limit are per tenant). */
  tenant: z.string().min(1).max(128),
  /** Items per page for lists. */
  pageSize: z.int().min(1).max(1000).default(100),
});

/** Fails loudly: the operation is declared so its checks run, but not written yet. */
function todo(operation: OperationName): never {
  throw new UnsupportedError(`TODO: implement ${operation} for ${CONNECTOR_ID}`);
}

/**
 * The connector-template connector: two API versions (see `./adapters`),
 * resolved from the `x-api-version` response header, else the newest.
 *
 * @example
 * ```ts
 * const bound = connectorTemplate.with({ baseUrl, tenant: 'main' }, staticCredential(process.env.API_KEY ?? ''));
 * await bound.call('credential.revoke', { credential: { id: 'key_1', accountId: 'acc_1' } });
 * ```
 */
export const connectorTemplate = defineConnector({
  id: CONNECTOR_ID,
  version: '0.1.0',
  description: 'connector-template service accounts and API keys',
  config: ConnectorTemplateConfig,
  adapters: [connectorTemplateV2, connectorTemplateV1],
  versioning: { header: 'x-api-version' },
  resilience: {
    // TODO: set the target's documented rate limit, e.g. rateLimit: { perSecond: 20 }.
    retry: { retries: 3 },
  },
  operations: {
    // TODO: a cheap authenticated request, e.g. GET /me; return { ok: true }.
    'connection.test': async () => todo('connection.test'),
    // TODO: GET /accounts?page=…; return ctx.adapter.readResponse('accountList', response).
    'account.list': async () => todo('account.list'),
    // TODO: GET /accounts/{id}; a 404 must surface as NotFoundError (ctx.fetch does it).
    'account.get': async () => todo('account.get'),
    // TODO: disable the account; read the response through ctx.adapter so drift fails closed.
    'account.disable': async () => todo('account.disable'),
    // TODO: GET the account's keys, paged.
    'credential.list': async () => todo('credential.list'),
    // TODO: GET one key, so a revocation can be read back.
    'credential.get': async () => todo('credential.get'),
    // TODO: DELETE the key; let a 404 throw NotFoundError (it becomes already_absent).
    'credential.revoke': async () => todo('credential.revoke'),
  },
});
