import type { FakeApiVersion } from './TenantState';

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
 * as `application/json`, v2 an RFC 9457 problem as `application/problem+json`.
 *
 * @example
 * ```ts
 * errorReply('v2', 404, 'not_found', 'Key key_1 does not exist.');
 * ```
 */
export function errorReply(
  version: FakeApiVersion,
  status: number,
  code: string,
  message: string,
  headers?: Readonly<Record<string, string>>,
): Reply {
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
