import { z } from 'zod';
import {
  AuthFailedError,
  classifyHttp,
  classifyNetworkError,
  formatIssues,
  InvalidInputError,
  issuesFromZod,
  SchemaDriftError,
  sanitizeUrl,
} from '../../errors';
import { isSecret, Secret, secret } from '../../model';
import type { CredentialProvider, GetCredentialOptions } from './CredentialProvider';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const Options = z.object({
  tokenUrl: z.url({ protocol: /^https?$/ }).refine(
    (url) => {
      const parsed = new URL(url);
      return parsed.protocol === 'https:' || LOOPBACK_HOSTS.has(parsed.hostname);
    },
    { message: 'must use https (plain http is allowed only for 127.0.0.1, localhost and [::1])' },
  ),
  clientId: z.string().min(1).max(1024),
  clientSecret: secret(),
  scope: z.union([z.string().max(4096), z.array(z.string().max(1024)).max(256)]).optional(),
  audience: z.string().max(4096).optional(),
  authMethod: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
  skewMs: z.int().min(0).max(3_600_000).default(60_000),
  timeoutMs: z.int().min(1).max(300_000).default(10_000),
  fetch: z.custom<typeof globalThis.fetch>((value) => typeof value === 'function').optional(),
});

/** Options of {@link oauth2ClientCredentials}. */
export type OAuth2ClientCredentialsOptions = z.input<typeof Options>;

const TokenResponse = z.object({
  access_token: z.string().min(1).max(65_536),
  token_type: z.string().max(64).optional(),
  expires_in: z.coerce.number().nonnegative().optional(),
});

/** RFC 6749 §5.2 error codes that mean our client credentials are bad. */
const CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client', 'invalid_grant']);

interface CachedToken {
  readonly token: Secret;
  /** Epoch ms after which the token is refreshed; Infinity when the server gave no lifetime. */
  readonly refreshAt: number;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(classifyNetworkError(signal.reason, { callerSignal: signal }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(classifyNetworkError(signal.reason, { callerSignal: signal }));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Short-lived access tokens from an OAuth 2.0 token endpoint (client credentials
 * grant, RFC 6749 §4.4). The token is cached until its `expires_in` minus
 * `skewMs`; concurrent callers share one refresh; a token the target rejects
 * (`auth_failed`) is invalidated and fetched again once by the bound connector.
 * The client secret is sent with HTTP Basic (default) or in the form body, over
 * https only (loopback excepted, for tests).
 *
 * @example
 * ```ts
 * const credential = oauth2ClientCredentials({
 *   tokenUrl: 'https://login.acme.test/oauth/token',
 *   clientId: 'lifeline', clientSecret: process.env.ACME_CLIENT_SECRET!, scope: ['keys:write'],
 * });
 * const bound = acme.with(config, credential);
 * ```
 */
export function oauth2ClientCredentials(options: OAuth2ClientCredentialsOptions): CredentialProvider {
  const parsed = Options.safeParse(options);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error);
    throw new InvalidInputError(`Invalid oauth2ClientCredentials options:\n${formatIssues(issues)}`, {
      issues,
    });
  }
  const opts = parsed.data;
  const baseFetch = opts.fetch ?? globalThis.fetch;
  const context = { operation: 'oauth2.token', method: 'POST', url: sanitizeUrl(opts.tokenUrl) ?? '' };
  let cached: CachedToken | undefined;
  let inflight: Promise<Secret> | undefined;

  async function requestToken(): Promise<Secret> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const scope = Array.isArray(opts.scope) ? opts.scope.join(' ') : opts.scope;
    if (scope) form.set('scope', scope);
    if (opts.audience) form.set('audience', opts.audience);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (opts.authMethod === 'client_secret_basic') {
      const user = encodeURIComponent(opts.clientId);
      const pass = encodeURIComponent(opts.clientSecret.reveal());
      headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    } else {
      form.set('client_id', opts.clientId);
      form.set('client_secret', opts.clientSecret.reveal());
    }
    let response: Response;
    try {
      response = await baseFetch(opts.tokenUrl, {
        method: 'POST',
        headers,
        body: form,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (error) {
      throw classifyNetworkError(error, { context });
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const oauthError = (body as { error?: unknown } | undefined)?.error;
      if (typeof oauthError === 'string' && CLIENT_ERRORS.has(oauthError)) {
        throw new AuthFailedError(
          `The token endpoint rejected the client credentials (${oauthError}). Check clientId and clientSecret.`,
          { context: { ...context, status: response.status } },
        );
      }
      throw classifyHttp(response, { context }) ?? new AuthFailedError(undefined, { context });
    }
    const token = TokenResponse.safeParse(body);
    if (!token.success) {
      const issues = issuesFromZod(token.error);
      throw new SchemaDriftError(`The token endpoint returned an unexpected body:\n${formatIssues(issues)}`, {
        issues,
        context,
      });
    }
    const lifetimeMs =
      token.data.expires_in === undefined ? Number.POSITIVE_INFINITY : token.data.expires_in * 1000;
    const value = new Secret(token.data.access_token);
    cached = { token: value, refreshAt: Date.now() + Math.max(0, lifetimeMs - opts.skewMs) };
    return value;
  }

  return {
    kind: 'oauth2_client_credentials',
    isStatic: false,
    get(getOptions: GetCredentialOptions = {}) {
      if (cached !== undefined && Date.now() < cached.refreshAt) return Promise.resolve(cached.token);
      if (inflight === undefined) {
        inflight = requestToken().finally(() => {
          inflight = undefined;
        });
      }
      return abortable(inflight, getOptions.signal);
    },
    invalidate(credential: Secret) {
      if (cached !== undefined && isSecret(credential) && cached.token === credential) cached = undefined;
    },
  };
}
