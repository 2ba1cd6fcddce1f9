/**
 * BufferedResponse: what nodeHttpFetch returns. The standard body API behaves
 * as a Response's does (one read, bodyUsed, clone before reading), and
 * readJsonBody takes the bytes without a stream, with the same limits.
 */
import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../../src/adapters/readJsonBody';
import { BufferedResponse, takeBufferedBody } from '../../src/connector/BufferedResponse';
import { isLifelineError } from '../../src/errors';

/** A 200 response holding `text` as its body. */
const raw = (text: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  BufferedResponse.of(Buffer.from(text), { status: 200, headers });
const json = (value: unknown, headers?: Record<string, string>) => raw(JSON.stringify(value), headers);

describe('BufferedResponse', () => {
  it('is a Response with status and headers, readable once through text(), json(), arrayBuffer() or body', async () => {
    const response = json({ ok: true });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);

    expect(new TextDecoder().decode(await json([1]).arrayBuffer())).toBe('[1]');
    const streamed = json({ n: 1 });
    const reader = (streamed.body as ReadableStream<Uint8Array>).getReader();
    const chunk = await reader.read();
    expect(new TextDecoder().decode(chunk.value)).toBe('{"n":1}');
    expect(takeBufferedBody(streamed)).toBeUndefined(); // already streamed: the caller reads the stream
  });

  it('clones before a read, and gives its bytes once to takeBufferedBody', async () => {
    const response = json({ a: 1 });
    expect(await response.clone().json()).toEqual({ a: 1 });
    const fresh = json({ b: 2 });
    const bytes = takeBufferedBody(fresh);
    expect(Buffer.from(bytes as Uint8Array).toString()).toBe('{"b":2}');
    expect(fresh.bodyUsed).toBe(true);
    expect(takeBufferedBody(fresh)).toBeUndefined();
    expect(takeBufferedBody(new Response('{}'))).toBeUndefined();
    const empty = BufferedResponse.of(null, { status: 204 });
    expect(empty.body).toBeNull();
    expect(await empty.text()).toBe('');
  });

  it('is read by readJsonBody without a stream, with the same limits and drift checks', async () => {
    expect(await readJsonBody(json({ items: [1, 2] }))).toEqual({ items: [1, 2] });
    expect(await readJsonBody(BufferedResponse.of(null, { status: 204 }))).toBeUndefined();
    const tooBig = await readJsonBody(json({ pad: 'x'.repeat(100) }), { maxBytes: 50 }).catch(
      (e: unknown) => e,
    );
    expect(isLifelineError(tooBig, 'schema_drift')).toBe(true);
    const notJson = await readJsonBody(raw('{nope')).catch((e: unknown) => e);
    expect(isLifelineError(notJson, 'schema_drift')).toBe(true);
    const polluted = await readJsonBody(raw('{"a":{"__proto__":{"x":1}}}')).catch((e: unknown) => e);
    expect(isLifelineError(polluted, 'schema_drift')).toBe(true);
    const wrongType = await readJsonBody(json({}, { 'content-type': 'text/html' })).catch((e: unknown) => e);
    expect(isLifelineError(wrongType, 'schema_drift')).toBe(true);
  });
});
