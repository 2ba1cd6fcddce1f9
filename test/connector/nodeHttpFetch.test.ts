/**
 * `nodeHttpFetch`: the keep-alive `node:http` transport a binding can use
 * instead of the built-in fetch. Real requests against the fake target (and a
 * local server for edge cases): the same Response objects and the same
 * classified errors through a bound connector.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  classifyNetworkError,
  createResiliencePolicy,
  isLifelineError,
  nodeHttpFetch,
  staticCredential,
} from 'lifeline';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acme } from '../../examples/acme';

let target: FakeTarget;
let server: Server;
let base: string;

beforeAll(async () => {
  target = await createFakeTarget({ seed: 99, tenants: [{ id: 'acme', apiVersion: 'v2' }] });
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/echo') {
        response.writeHead(201, {
          'content-type': 'application/json',
          'x-seen': request.headers['x-test'] ?? '',
        });
        response.end(JSON.stringify({ method: request.method, body: Buffer.concat(chunks).toString() }));
      } else if (request.url === '/empty') {
        response.writeHead(204).end();
      } else if (request.url === '/big') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
        response.end('x'.repeat(5000));
      } else if (request.url === '/big-chunked') {
        // No content-length: the limit must hold while the body streams in.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('x'.repeat(3000));
        setTimeout(() => response.end('x'.repeat(3000)), 10);
      } else if (request.url === '/hang') {
        // never answers
      } else {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"nope"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await target.close();
});

describe('nodeHttpFetch', () => {
  const transport = nodeHttpFetch({ maxBodyBytes: 4096 });

  it('sends method, headers and body, and answers with a Response (status, headers, JSON body)', async () => {
    const response = await transport(`${base}/echo`, {
      method: 'post',
      headers: { 'X-Test': 'yes', 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-seen')).toBe('yes');
    expect(await response.json()).toEqual({ method: 'POST', body: '{"a":1}' });
    const empty = await transport(new URL(`${base}/empty`), { method: 'DELETE' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it('rejects a body over maxBodyBytes (declared or streamed), an aborted request with the reason, and a refused connection with its code', async () => {
    await expect(transport(`${base}/big`)).rejects.toMatchObject({ code: 'ERR_BODY_TOO_LARGE' });
    await expect(transport(`${base}/big-chunked`)).rejects.toMatchObject({
      code: 'ERR_BODY_TOO_LARGE',
      message: expect.stringContaining('4096-byte limit'),
    });
    const controller = new AbortController();
    const pending = transport(`${base}/hang`, { signal: controller.signal });
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const refused = await transport('http://127.0.0.1:1/').catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    const classified = classifyNetworkError(refused);
    expect(classified.code).toBe('transient');
    expect(classified.mayHaveReachedServer).toBe(false);
  });

  it('runs a connector: list, revoke and read back through a bound connector, with 404 classified as not_found', async () => {
    const account = target.addAccount('acme', { id: 'acc_n', name: 'n' });
    const key = target.addKey('acme', account.id).key;
    const policy = createResiliencePolicy({ retry: { retries: 1, baseDelayMs: 5 }, timeout: 2000 });
    const bound = acme.with(
      { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
      staticCredential(target.token('acme')),
      { tenant: 'acme', policy, fetch: transport },
    );
    try {
      const page = await bound.call('credential.list', { account: { id: account.id } });
      expect(page.items.map((k) => k.id)).toContain(key.id);
      await bound.call('credential.revoke', { credential: { id: key.id } });
      expect((await bound.call('credential.get', { credential: { id: key.id } })).status).toBe('revoked');
      expect(target.effects('key', key.id, 'acme').applied).toBe(1);
      const missing = await bound
        .call('credential.get', { credential: { id: 'key_missing' } })
        .catch((error: unknown) => error);
      expect(isLifelineError(missing, 'not_found')).toBe(true);
    } finally {
      policy.shutdown();
    }
  });

  it('is what a binding without fetch uses; fetch: globalThis.fetch opts back into the built-in one', async () => {
    const account = target.addAccount('acme', { id: 'acc_default', name: 'd' });
    const key = target.addKey('acme', account.id).key;
    const config = { baseUrl: target.tenantUrl('acme'), tenant: 'acme' };
    const original = globalThis.fetch;
    let globalCalls = 0;
    globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
      globalCalls++;
      return original(...args);
    }) as typeof fetch;
    try {
      const byDefault = acme.with(config, staticCredential(target.token('acme')), { tenant: 'acme' });
      await byDefault.call('credential.get', { credential: { id: key.id } });
      expect(globalCalls).toBe(0);
      const builtin = acme.with(config, staticCredential(target.token('acme')), {
        tenant: 'acme',
        fetch: globalThis.fetch,
      });
      await builtin.call('credential.get', { credential: { id: key.id } });
      expect(globalCalls).toBeGreaterThan(0); // the adapter probe and the read
    } finally {
      globalThis.fetch = original;
    }
  });
});
