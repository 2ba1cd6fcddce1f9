import type { FakeApiVersion } from './TenantState';

/**
 * The error dialect of a reply: the tenant's API version, or `scim` for the
 * SCIM 2.0 endpoints under `/t/{tenant}/scim/v2/`.
 *
 * @example
 * ```ts
 * const dialect: ErrorDialect = route.scim === true ? 'scim' : tenant.apiVersion;
 * ```
 */
export type ErrorDialect = FakeApiVersion | 'scim';

/** The SCIM Error schema URN (RFC 7644 §3.12). */
export const SCIM_ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** `scimType` values of RFC 7644 §3.12; other codes send no `scimType`. */
const SCIM_TYPES: ReadonlySet<string> = new Set([
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
]);

/** Pipeline codes that have a SCIM equivalent. */
const SCIM_TYPE_OF: Readonly<Record<string, string>> = { invalid_request: 'invalidSyntax' };

/**
 * A response the fake target is about to send.
 *
 * @example
 * ```ts
 * const reply: Reply = { status: 204 };
 * ```
 */
export interface Reply {
  readonly status: number;
  /** Serialized as JSON; no body when undefined (and `raw` is absent). */
  readonly json?: unknown;
  /** A body sent as is, instead of `json` (used by faults that send broken or non-JSON bodies). */
  readonly raw?: string;
  /** Content type; `application/json` by default. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  410: 'Gone',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * An error reply in the tenant's API version: v1 `{ error: { code, message } }`
 * as `application/json`, v2 an RFC 9457 problem as `application/problem+json`,
 * `scim` a SCIM Error (`status` as a string, `scimType` when `code` is one) as
 * `application/scim+json`.
 *
 * @example
 * ```ts
 * errorReply('v2', 404, 'not_found', 'Key key_1 does not exist.');
 * errorReply('scim', 409, 'uniqueness', 'userName svc-ci is taken.');
 * ```
 */
export function errorReply(
  version: ErrorDialect,
  status: number,
  code: string,
  message: string,
  headers?: Readonly<Record<string, string>>,
): Reply {
  if (version === 'scim') {
    const scimType = SCIM_TYPES.has(code) ? code : SCIM_TYPE_OF[code];
    const reply: Reply = {
      status,
      contentType: 'application/scim+json',
      json: {
        schemas: [SCIM_ERROR_URN],
        status: String(status),
        ...(scimType === undefined ? {} : { scimType }),
        detail: message,
      },
    };
    return headers === undefined ? reply : { ...reply, headers };
  }
  const base =
    version === 'v1'
      ? { status, json: { error: { code, message } } }
      : {
          status,
          contentType: 'application/problem+json',
          json: {
            type: `https://fake-target.test/problems/${code}`,
            title: TITLES[status] ?? 'Error',
            status,
            detail: message,
            code,
          },
        };
  return headers === undefined ? base : { ...base, headers };
}
