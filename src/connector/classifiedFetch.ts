import { classifyHttp, classifyNetworkError, type ErrorContext, sanitizeUrl } from '../errors';

/** A `fetch` whose failures are Lifeline errors: it resolves only for 1xx–3xx responses. */
export type ClassifiedFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Options of {@link createClassifiedFetch}. */
export interface ClassifiedFetchOptions {
  /** The underlying fetch; defaults to the global one. */
  readonly fetch?: typeof globalThis.fetch;
  /** Signal added to requests that do not carry their own. */
  readonly signal?: AbortSignal | undefined;
  /** Context for errors (connector, operation, tenant). */
  readonly context?: ErrorContext;
  /** Runs on every response before its status is classified; may throw (e.g. a version-header check). */
  readonly inspect?: ((response: Response) => void) | undefined;
}

/**
 * Wraps `fetch` so that network failures and 4xx/5xx responses become
 * Lifeline errors (see `classifyHttp` and `classifyNetworkError`), with the
 * URL stripped of query strings and credentials. The failed response's body is
 * discarded, so no secret it may echo reaches an error.
 *
 * @example
 * ```ts
 * const fetch = createClassifiedFetch({ context: { connector: 'acme' } });
 * const response = await fetch('http://127.0.0.1:8080/keys'); // throws NotFoundError on 404
 * ```
 */
export function createClassifiedFetch(options: ClassifiedFetchOptions = {}): ClassifiedFetch {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const { signal, context } = options;
  return async (input, init) => {
    const url = sanitizeUrl(input);
    const requestContext: ErrorContext = {
      ...context,
      method: (init?.method ?? 'GET').toUpperCase(),
      ...(url === undefined ? {} : { url }),
    };
    const finalInit = signal !== undefined && init?.signal == null ? { ...init, signal } : init;
    let response: Response;
    try {
      response = await baseFetch(input, finalInit);
    } catch (error) {
      throw classifyNetworkError(error, {
        context: requestContext,
        callerSignal: finalInit?.signal ?? undefined,
      });
    }
    if (options.inspect !== undefined) {
      try {
        options.inspect(response);
      } catch (error) {
        await response.body?.cancel().catch(() => undefined);
        throw error;
      }
    }
    const failure = classifyHttp(response, { context: requestContext });
    if (failure !== undefined) {
      await response.body?.cancel().catch(() => undefined);
      throw failure;
    }
    return response;
  };
}
