import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonBody } from '../../src/adapters';
import { isLifelineError } from '../../src/errors';

let server: Server;
let base: string;

/** A real server answering with the bodies hostile or broken targets send. */
beforeAll(async () => {
  server = createServer((request, response) => {
    const json = { 'content-type': 'application/json' };
    switch (request.url) {
      case '/ok':
        response.writeHead(200, { 'content-type': 'application/scim+json; charset=utf-8' });
        response.end('{"a":[1,2,{"b":null}]}');
        return;
      case '/html':
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>Maintenance</html>');
        return;
      case '/not-json':
        response.writeHead(200, json);
        response.end('{"a": tru');
        return;
      case '/proto':
        response.writeHead(200, json);
        response.end('{"user":{"__proto__":{"isAdmin":true}}}');
        return;
      case '/deep':
        response.writeHead(200, json);
        response.end(`${'['.repeat(5000)}${']'.repeat(5000)}`);
        return;
      case '/huge-declared':
        response.writeHead(200, { ...json, 'content-length': String(50 * 1024 * 1024) });
        response.write('{"a":"');
        return;
      case '/huge-streamed': {
        response.writeHead(200, json);
        const chunk = 'x'.repeat(64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < 50 * 1024 * 1024) {
            sent += chunk.length;
            if (!response.write(chunk)) {
              response.once('drain', pump);
              return;
            }
          }
          response.end();
        };
        response.write('{"a":"');
        pump();
        return;
      }
      case '/reset':
        response.writeHead(200, json);
        response.write('{"a":');
        setTimeout(() => request.socket.destroy(), 10);
        return;
      case '/empty':
        response.writeHead(204);
        response.end();
        return;
      default:
        response.writeHead(404);
        response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function read(path: string, maxBytes?: number) {
  const response = await fetch(`${base}${path}`);
  return readJsonBody(response, maxBytes === undefined ? {} : { maxBytes }).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

describe('readJsonBody', () => {
  it('parses JSON with a +json content type', async () => {
    expect(await read('/ok')).toEqual({ ok: true, value: { a: [1, 2, { b: null }] } });
  });

  it('yields undefined for an empty body', async () => {
    expect(await read('/empty')).toEqual({ ok: true, value: undefined });
  });

  it.each([
    ['an HTML maintenance page', '/html', /content type "text\/html"/],
    ['truncated JSON', '/not-json', /not valid JSON/],
    ['a __proto__ key', '/proto', /forbidden key "__proto__"/],
    ['5,000 levels of nested arrays', '/deep', /nested deeper than 64/],
    ['a declared 50 MB body', '/huge-declared', /exceeds the 1048576-byte limit/],
    ['a streamed 50 MB body', '/huge-streamed', /exceeds the 1048576-byte limit/],
  ])('turns %s into schema_drift', async (_name, path, message) => {
    const before = process.memoryUsage().rss;
    const result = await read(path, 1024 * 1024);
    expect(result.ok).toBe(false);
    const error = (result as { error: Error }).error;
    expect(isLifelineError(error, 'schema_drift')).toBe(true);
    expect(error.message).toMatch(message);
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
  });

  it('turns a connection reset mid-body into a transient error', async () => {
    const result = await read('/reset');
    expect(isLifelineError((result as { error: unknown }).error, 'transient')).toBe(true);
  });
});
