import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthFailedError,
  defineConnector,
  directPolicy,
  InvalidInputError,
  isLifelineError,
  oauth2ClientCredentials,
} from 'lifeline';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

const CLIENT_SECRET = 'cs_CANARY_oauth_client_secret_77';

/** A real token endpoint and resource server on 127.0.0.1. */
class AuthServer {
  server!: Server;
  url = '';
  tokenRequests: { authorization: string | undefined; body: string }[] = [];
  issued = 0;
  expiresIn: number | undefined = 3600;
  tokenDelayMs = 0;
  tokenStatus = 200;
  tokenBody: unknown;
  /** Tokens the resource server accepts. */
  valid = new Set<string>();

  async start() {
    this.server = createServer(async (request, response) => {
      const body = await read(request);
      if (request.url === '/oauth/token') {
        this.tokenRequests.push({ authorization: request.headers.authorization, body });
        await new Promise((resolve) => setTimeout(resolve, this.tokenDelayMs));
        if (this.tokenStatus !== 200) {
          response.writeHead(this.tokenStatus, { 'content-type': 'application/json' });
          response.end(JSON.stringify(this.tokenBody ?? { error: 'invalid_client' }));
          return;
        }
        const token = `at_${++this.issued}`;
        this.valid.add(token);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify(
            this.tokenBody ?? { access_token: token, token_type: 'Bearer', expires_in: this.expiresIn },
          ),
        );
        return;
      }
      const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (!this.valid.has(token)) {
        response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true, token }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => resolve(text));
  });
}

const auth = new AuthServer();
beforeAll(() => auth.start());
afterAll(() => auth.stop());
afterEach(() => {
  auth.tokenRequests = [];
  auth.expiresIn = 3600;
  auth.tokenDelayMs = 0;
  auth.tokenStatus = 200;
  auth.tokenBody = undefined;
  vi.useRealTimers();
});

function provider(extra: Partial<Parameters<typeof oauth2ClientCredentials>[0]> = {}) {
  return oauth2ClientCredentials({
    tokenUrl: `${auth.url}/oauth/token`,
    clientId: 'lifeline',
    clientSecret: CLIENT_SECRET,
    scope: ['keys:read', 'keys:write'],
    ...extra,
  });
}

describe('oauth2ClientCredentials', () => {
  it('fetches a token with HTTP Basic client authentication and the scopes', async () => {
    const token = await provider().get();
    expect(token.reveal()).toMatch(/^at_\d+$/);
    const [request] = auth.tokenRequests;
    expect(request?.authorization).toBe(
      `Basic ${Buffer.from(`lifeline:${CLIENT_SECRET}`).toString('base64')}`,
    );
    expect(new URLSearchParams(request?.body)).toEqual(
      new URLSearchParams({ grant_type: 'client_credentials', scope: 'keys:read keys:write' }),
    );
  });

  it('can send the client secret in the form body instead', async () => {
    await provider({ authMethod: 'client_secret_post' }).get();
    const form = new URLSearchParams(auth.tokenRequests[0]?.body);
    expect(form.get('client_id')).toBe('lifeline');
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(auth.tokenRequests[0]?.authorization).toBeUndefined();
  });

  it('caches the token until its lifetime minus the skew, then refreshes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    auth.expiresIn = 600;
    const credentials = provider({ skewMs: 60_000 });
    const first = await credentials.get();
    vi.setSystemTime(Date.now() + 539_000);
    expect((await credentials.get()).reveal()).toBe(first.reveal());
    expect(auth.tokenRequests).toHaveLength(1);
    vi.setSystemTime(Date.now() + 2_000);
    expect((await credentials.get()).reveal()).not.toBe(first.reveal());
    expect(auth.tokenRequests).toHaveLength(2);
  });

  it('shares one refresh between concurrent callers', async () => {
    auth.tokenDelayMs = 50;
    const credentials = provider();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => credentials.get()));
    expect(new Set(tokens.map((token) => token.reveal())).size).toBe(1);
    expect(auth.tokenRequests).toHaveLength(1);
  });

  it('lets a waiting caller abort without cancelling the shared refresh', async () => {
    auth.tokenDelayMs = 100;
    const credentials = provider();
    const controller = new AbortController();
    const aborted = credentials.get({ signal: controller.signal });
    const patient = credentials.get();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'timeout', retryable: false });
    expect((await patient).reveal()).toMatch(/^at_/);
    expect(auth.tokenRequests).toHaveLength(1);
  });

  it('reports rejected client credentials as auth_failed without echoing the secret', async () => {
    auth.tokenStatus = 401;
    const error = await provider()
      .get()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthFailedError);
    expect((error as Error).message).toContain('invalid_client');
    expect(`${(error as Error).message}${JSON.stringify(error)}`).not.toContain(CLIENT_SECRET);
  });

  it('reports a token response without access_token as schema_drift', async () => {
    auth.tokenBody = { token: 'x' };
    await expect(provider().get()).rejects.toMatchObject({ code: 'schema_drift' });
  });

  it('refuses plain http to anything but loopback', () => {
    expect(() =>
      oauth2ClientCredentials({ tokenUrl: 'http://login.acme.test/token', clientId: 'c', clientSecret: 's' }),
    ).toThrow(InvalidInputError);
  });

  it('is refreshed once by a bound connector when the target says auth_failed', async () => {
    const credentials = provider();
    const acme = defineConnector({
      id: 'acme',
      version: '1',
      config: z.object({ baseUrl: z.url() }),
      operations: {
        'connection.test': async (ctx) => {
          await ctx.fetch(`${ctx.config.baseUrl}/me`, {
            headers: { authorization: `Bearer ${ctx.credential?.reveal()}` },
          });
          return { ok: true };
        },
      },
    });
    const bound = acme.with({ baseUrl: auth.url }, credentials, { policy: directPolicy });
    await bound.call('connection.test', {});
    expect(auth.tokenRequests).toHaveLength(1);
    auth.valid.clear(); // the target revokes every token it issued
    await bound.call('connection.test', {});
    expect(auth.tokenRequests).toHaveLength(2);
  });

  it('gives up after one refresh when the new token is rejected too', async () => {
    const credentials = provider();
    const acme = defineConnector({
      id: 'acme',
      version: '1',
      config: z.object({ baseUrl: z.url() }),
      operations: {
        'connection.test': async (ctx) => {
          await ctx.fetch(`${ctx.config.baseUrl}/me`, { headers: { authorization: 'Bearer wrong' } });
          return { ok: true };
        },
      },
    });
    const error = await acme
      .with({ baseUrl: auth.url }, credentials, { policy: directPolicy })
      .call('connection.test', {})
      .catch((caught: unknown) => caught);
    expect(isLifelineError(error, 'auth_failed')).toBe(true);
    expect((error as AuthFailedError).context).toMatchObject({ status: 401, method: 'GET' });
    expect(auth.tokenRequests).toHaveLength(2);
  });
});
