import type { FakeTarget } from '../../src/testing/fakeTarget';

/** A response read fully: status, headers and parsed JSON body (or raw text when not JSON). */
export interface ReadResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

/**
 * A tiny authenticated client for one tenant of a fake target, using global fetch.
 *
 * @example
 * const api = clientFor(target, 'acme');
 * const { status, body } = await api.get('/accounts');
 */
export function clientFor(target: FakeTarget, tenant: string, token: string | null = target.token(tenant)) {
  const base = target.tenantUrl(tenant);
  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ReadResponse> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }
  return {
    base,
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown) => call('POST', path, body ?? {}),
    del: (path: string) => call('DELETE', path),
    call,
  };
}

/** Reads a property path of an unknown JSON value, for terse assertions. */
export function field(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
