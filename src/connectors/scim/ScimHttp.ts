import { readJsonBody } from '../../adapters/readJsonBody';
import { readPayload } from '../../adapters/readPayload';
import type { OperationContext } from '../../connector/OperationContext';
import {
  classifyNetworkError,
  type ErrorContext,
  isLifelineError,
  PermanentError,
  SchemaDriftError,
  sanitizeUrl,
} from '../../errors';
import { classifyScimError } from './classifyScimError';
import type { ScimConfig } from './ScimConfig';
import { type ScimPayloadKind, scimAdapter } from './scimAdapter';
import { SCIM_URN, ScimError } from './scimWire';

/** One SCIM request. */
export interface ScimRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below `baseUrl`, starting with `/`; ids must already be encoded. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** JSON body, sent as `application/scim+json`. */
  readonly body?: unknown;
  /** `If-Match` value (a resource version / ETag). */
  readonly ifMatch?: string | undefined;
}

/** A successful SCIM answer: status, headers and the JSON body (undefined when empty). */
export interface ScimAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** Largest error body read; the rest is discarded. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

function isErrorBody(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  const schemas = (body as { schemas?: unknown }).schemas;
  return Array.isArray(schemas) && schemas.includes(SCIM_URN.error);
}

/**
 * The SCIM connector's HTTP client for one operation attempt: adds the bearer
 * token and SCIM media types, passes the attempt's signal, bounds every body
 * read, classifies failures from the status and the SCIM Error body
 * (`classifyScimError`), and validates payloads with {@link scimAdapter}.
 * Unlike `ctx.fetch`, it reads error bodies, because `scimType` decides
 * between e.g. `already_exists` and `conflict`.
 *
 * @example
 * ```ts
 * const http = new ScimHttp(ctx, fetch);
 * const user = await http.read({ method: 'GET', path: `/Users/${encodeURIComponent(id)}` }, 'user');
 * ```
 */
export class ScimHttp {
  readonly #ctx: OperationContext<ScimConfig>;
  readonly #fetch: typeof globalThis.fetch;

  constructor(ctx: OperationContext<ScimConfig>, fetch: typeof globalThis.fetch) {
    this.#ctx = ctx;
    this.#fetch = fetch;
  }

  /** The operation context this client serves. */
  get ctx(): OperationContext<ScimConfig> {
    return this.#ctx;
  }

  /** Error context of this operation (connector, operation, tenant). */
  context(extra: ErrorContext = {}): ErrorContext {
    return {
      connector: this.#ctx.connector.id,
      operation: this.#ctx.operation,
      tenant: this.#ctx.tenant,
      ...extra,
    };
  }

  /** Resolves a possibly relative `meta.location` against the base URL. */
  resolveLocation(location: string): string | undefined {
    try {
      return new URL(location, `${this.#ctx.config.baseUrl}/`).href;
    } catch {
      return undefined;
    }
  }

  /** Sends a request; resolves for 2xx answers, throws a classified Lifeline error otherwise. */
  async send(request: ScimRequest): Promise<ScimAnswer> {
    const { config, credential, signal } = this.#ctx;
    const url = new URL(`${config.baseUrl}${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const safeUrl = sanitizeUrl(url);
    const context = this.context({
      method: request.method,
      ...(safeUrl === undefined ? {} : { url: safeUrl }),
    });
    const headers: Record<string, string> = { accept: 'application/scim+json, application/json' };
    if (credential !== undefined) headers.authorization = `Bearer ${credential.reveal()}`;
    if (request.body !== undefined) headers['content-type'] = 'application/scim+json';
    if (request.ifMatch !== undefined) headers['if-match'] = request.ifMatch;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        ...(signal === undefined ? {} : { signal }),
        redirect: 'manual',
      });
    } catch (error) {
      throw classifyNetworkError(error, { context, callerSignal: signal });
    }
    if (response.status >= 400) {
      const scim = await this.#readErrorBody(response);
      throw classifyScimError({ status: response.status, headers: response.headers, scim, context });
    }
    if (response.status >= 300) {
      await response.body?.cancel().catch(() => undefined);
      throw new PermanentError(
        `The SCIM server redirected (HTTP ${response.status}); set baseUrl to the final URL (redirects are not followed, so the token never leaves the configured host).`,
        { context: { ...context, status: response.status } },
      );
    }
    if (response.status === 204 || response.status === 205) {
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status, headers: response.headers, body: undefined };
    }
    let body: unknown;
    try {
      body = await readJsonBody(response, { maxBytes: config.maxBodyBytes });
    } catch (error) {
      if (error instanceof SchemaDriftError) {
        throw new SchemaDriftError(`${error.message} (${request.method} ${context.url ?? request.path})`, {
          ...(error.hint === undefined ? {} : { hint: error.hint }),
          context: { ...context, status: response.status },
        });
      }
      throw isLifelineError(error) ? error : classifyNetworkError(error, { context, callerSignal: signal });
    }
    if (isErrorBody(body)) {
      // A 2xx carrying a SCIM Error is a failure, never a success.
      const scim = ScimError.safeParse(body);
      const status = scim.success && scim.data.status >= 400 ? scim.data.status : 500;
      throw classifyScimError({
        status,
        headers: response.headers,
        scim: scim.success ? scim.data : undefined,
        context,
      });
    }
    return { status: response.status, headers: response.headers, body };
  }

  /** Sends a request and validates its body as `kind`; an empty body is a `schema_drift` error. */
  async read<T>(request: ScimRequest, kind: ScimPayloadKind): Promise<{ value: T; answer: ScimAnswer }> {
    const answer = await this.send(request);
    return { value: this.parse<T>(answer.body, kind, answer.status), answer };
  }

  /** Validates a body as `kind` (see {@link scimAdapter}). */
  parse<T>(body: unknown, kind: ScimPayloadKind, status?: number): T {
    if (body === undefined) {
      throw new SchemaDriftError(
        `The SCIM server answered with an empty body where a ${kind} was expected.`,
        {
          objectKind: kind,
          adapterVersion: scimAdapter.version,
          hint: 'unknown_shape',
          context: this.context(status === undefined ? {} : { status }),
        },
      );
    }
    return readPayload(scimAdapter, kind, body, {
      operation: this.#ctx.operation,
      connector: this.#ctx.connector.id,
      tenant: this.#ctx.tenant,
    }).value as T;
  }

  async #readErrorBody(response: Response): Promise<ScimError | undefined> {
    try {
      const body = await readJsonBody(response, { maxBytes: MAX_ERROR_BODY_BYTES });
      const parsed = ScimError.safeParse(body);
      return parsed.success ? parsed.data : undefined;
    } catch {
      // HTML pages, oversized or broken bodies: classify by status alone.
      await response.body?.cancel().catch(() => undefined);
      return undefined;
    }
  }
}
