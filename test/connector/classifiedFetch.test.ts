import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClassifiedFetch, isLifelineError, NotFoundError, RateLimitedError } from 'lifeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CANARY = 'tok_CANARY_in_query_5521';
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url?.startsWith('/missing')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: `no such key, your token was ${CANARY}` }));
      return;
    }
    if (request.url === '/slow-down') {
      response.writeHead(429, { 'retry-after': '3' });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createClassifiedFetch', () => {
  const fetch = createClassifiedFetch({ context: { connector: 'acme', operation: 'credential.get' } });

  it('resolves with the response for 2xx', async () => {
    const response = await fetch(`${base}/ok`);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('throws a classified error whose context has no query string and no body text', async () => {
    const error = await fetch(`${base}/missing?access_token=${CANARY}`, { method: 'delete' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).context).toEqual({
      connector: 'acme',
      operation: 'credential.get',
      method: 'DELETE',
      url: `${base}/missing`,
      status: 404,
    });
    expect(`${(error as Error).message}${JSON.stringify(error)}`).not.toContain(CANARY);
  });

  it('carries Retry-After on a 429', async () => {
    const error = await fetch(`${base}/slow-down`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(3000);
  });

  it('adds its signal to requests that have none', async () => {
    const controller = new AbortController();
    controller.abort();
    const aborted = createClassifiedFetch({ signal: controller.signal });
    const error = await aborted(`${base}/ok`).catch((caught: unknown) => caught);
    expect(isLifelineError(error, 'timeout')).toBe(true);
  });
});
