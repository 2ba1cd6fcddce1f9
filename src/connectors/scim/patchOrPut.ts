import { isLifelineError } from '../../errors';
import type { ScimCapabilities } from './ScimCapabilities';
import type { ScimAnswer, ScimHttp } from './ScimHttp';
import { SCIM_URN } from './scimWire';

/** One PATCH operation (RFC 7644 §3.5.2). */
export interface PatchOperation {
  readonly op: 'add' | 'remove' | 'replace';
  readonly path?: string;
  readonly value?: unknown;
}

/** Whether an error means "this server does not do PATCH" (501, or 405 Method Not Allowed). */
export function isPatchUnsupported(error: unknown): boolean {
  return isLifelineError(error, 'unsupported') || (isLifelineError(error) && error.context.status === 405);
}

/**
 * PATCHes a resource when the server supports it, and tells the caller to
 * fall back to PUT (returns `undefined`) when it does not: per
 * /ServiceProviderConfig, or because it answered 501/405 (then the binding's
 * capabilities remember it). Accepts 200 with the resource, or 204.
 *
 * @example
 * ```ts
 * const answer = await patchOrFallBack(http, caps, `/Users/${id}`, [{ op: 'replace', path: 'active', value: false }]);
 * if (answer === undefined) await putWholeUser();
 * ```
 */
export async function patchOrFallBack(
  http: ScimHttp,
  caps: ScimCapabilities,
  path: string,
  operations: readonly PatchOperation[],
  ifMatch: string | undefined,
): Promise<ScimAnswer | undefined> {
  if (!caps.patch) return undefined;
  try {
    return await http.send({
      method: 'PATCH',
      path,
      body: { schemas: [SCIM_URN.patchOp], Operations: operations },
      ifMatch,
    });
  } catch (error) {
    if (!isPatchUnsupported(error) || http.ctx.config.patch === 'always') throw error;
    caps.patch = false;
    http.ctx.logger.warn('lifeline scim: the server does not support PATCH; falling back to PUT', {
      connector: http.ctx.connector.id,
      tenant: http.ctx.tenant,
      operation: http.ctx.operation,
    });
    return undefined;
  }
}

/** A resource as sent back in a PUT: the read resource without its read-only `meta` and `groups`. */
export function forPut(resource: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { meta: _meta, groups: _groups, ...rest } = resource;
  return rest;
}
