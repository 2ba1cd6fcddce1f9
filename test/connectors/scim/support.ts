import { directPolicy, isLifelineError, type LifelineError, staticCredential } from 'lifeline';
import { scim } from 'lifeline/connectors/scim';
import { expect } from 'vitest';
import type { ScimServer } from '../../helpers/scimServer';

/** Binds the SCIM connector to `server`, calls running once (no retries) unless a policy is given. */
export function bindTo(server: ScimServer, config: Record<string, unknown> = {}) {
  return scim.with({ baseUrl: server.baseUrl, tenant: 'acme', ...config }, staticCredential(server.token), {
    policy: directPolicy,
  });
}

/** Awaits a promise that must reject with a Lifeline error of `code`; returns the error. */
export async function rejectionOf(promise: Promise<unknown>, code: string): Promise<LifelineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isLifelineError(error), `expected a Lifeline error, got ${String(error)}`).toBe(true);
  expect((error as LifelineError).code).toBe(code);
  return error as LifelineError;
}

/** A SCIM error body. */
export function scimErrorBody(status: number | string, scimType?: string, detail = 'failed') {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status,
    ...(scimType === undefined ? {} : { scimType }),
    detail,
  };
}
