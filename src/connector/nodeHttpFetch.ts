import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { parseInput } from '../errors/parseInput';
import { BufferedResponse } from './BufferedResponse';

/** Options of {@link nodeHttpFetch}. */
export interface NodeHttpFetchOptions {
  /** Most sockets per origin (default 256); connections are kept alive and reused. */
  readonly maxSockets?: number;
  /** Largest response body buffered, in bytes (default 64 MiB); a larger one fails the request. */
  readonly maxBodyBytes?: number;
  /** Options passed to the https agent (CA, client certificates, ...). */
  readonly tls?: https.AgentOptions;
}

const Options = z.object({
  maxSockets: z.int().min(1).max(65_536).optional(),
  maxBodyBytes: z.int().min(1).optional(),
  tls: z.record(z.string(), z.unknown()).optional(),
});

const NO_BODY = new Set([101, 204, 205, 304]);

/** The built-in fetch, for what this transport hands over (taken at load, so replacing `globalThis.fetch` cannot loop). */
const builtinFetch = globalThis.fetch;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  if (headers instanceof Headers) {
    headers.forEach((value, key) => {
      out[key] = value;
    });
  } else if (Array.isArray(headers)) {
    for (const [key, value] of headers as [string, string][]) out[key.toLowerCase()] = value;
  } else {
    for (const [key, value] of Object.entries(headers as Record<string, string>))
      out[key.toLowerCase()] = value;
  }
  return out;
}

/** The request body as bytes, or `null` for a body this transport leaves to `fetch` (streams, forms, blobs). */
function bodyBytes(body: RequestInit['body']): Uint8Array | string | undefined | null {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof URLSearchParams) return body.toString();
  return null;
}

/**
 * A `fetch` for connectors over `node:http` / `node:https` with keep-alive
 * agents: the same `Response` objects, for a fraction of the CPU of Node's
 * built-in `fetch` (which builds a full WHATWG request pipeline per call).
 * Bindings that name no `fetch` already share one ({@link defaultTransport});
 * make your own for other limits or TLS settings:
 * `acme.with(config, credential, { fetch: nodeHttpFetch({ maxSockets: 64 }) })`.
 *
 * Differences from the built-in `fetch`, by design: responses are buffered
 * (up to `maxBodyBytes`) before they resolve; redirects are not followed (the
 * 3xx response is returned); no `accept-encoding` is sent and bodies are not
 * decompressed; request bodies other than strings, bytes and
 * `URLSearchParams` (and `Request` inputs) are handed to the built-in `fetch`.
 * Network errors keep Node's codes (`ECONNREFUSED`, `ECONNRESET`, ...), so
 * `classifyNetworkError` maps them as it maps `fetch`'s causes; an abort
 * rejects with the signal's reason, like `fetch`.
 *
 * @example
 * ```ts
 * const transport = nodeHttpFetch({ maxSockets: 64 });
 * const bound = acme.with(config, staticCredential(token), { fetch: transport });
 * ```
 */
export function nodeHttpFetch(options: NodeHttpFetchOptions = {}): typeof globalThis.fetch {
  parseInput(Options, options, 'nodeHttpFetch options');
  const maxSockets = options.maxSockets ?? 256;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets });
  const httpsAgent = new https.Agent({ ...options.tls, keepAlive: true, maxSockets });

  return (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = bodyBytes(init?.body);
    if (input instanceof Request || body === null) return builtinFetch(input, init);
    const url = typeof input === 'string' ? new URL(input) : input;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return builtinFetch(input, init);
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const secure = url.protocol === 'https:';
    const headers = headerRecord(init?.headers);
    if (body !== undefined && headers['content-length'] === undefined)
      headers['content-length'] = String(
        typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
      );
    return new Promise<Response>((resolve, reject) => {
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const request = (secure ? https : http).request(
        url,
        { method: (init?.method ?? 'GET').toUpperCase(), headers, agent: secure ? httpsAgent : httpAgent },
        (response) => {
          const tooLarge = (what: string) => {
            const error = Object.assign(
              new Error(`The response body${what} exceeds the ${maxBodyBytes}-byte limit of this transport.`),
              { code: 'ERR_BODY_TOO_LARGE' },
            );
            response.destroy(error);
            finish(() => reject(error));
          };
          const declared = Number(response.headers['content-length'] ?? Number.NaN);
          if (declared > maxBodyBytes) {
            tooLarge(` of ${declared} bytes`);
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.byteLength;
            if (size > maxBodyBytes) tooLarge('');
            else chunks.push(chunk);
          });
          response.on('error', (error) => finish(() => reject(error)));
          response.on('end', () =>
            finish(() => {
              const status = response.statusCode ?? 0;
              const raw = response.rawHeaders;
              const pairs: [string, string][] = [];
              for (let i = 0; i + 1 < raw.length; i += 2)
                pairs.push([raw[i] as string, raw[i + 1] as string]);
              try {
                resolve(
                  BufferedResponse.of(
                    NO_BODY.has(status) || size === 0
                      ? null
                      : chunks.length === 1
                        ? (chunks[0] as Buffer)
                        : Buffer.concat(chunks, size),
                    { status, statusText: response.statusMessage ?? '', headers: pairs },
                  ),
                );
              } catch (error) {
                reject(error);
              }
            }),
          );
        },
      );
      const onAbort = () => {
        const reason = abortReason(signal as AbortSignal);
        request.destroy(reason instanceof Error ? reason : undefined);
        finish(() => reject(reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error) => finish(() => reject(error)));
      request.end(body);
    });
  };
}

let shared: typeof globalThis.fetch | undefined;

/**
 * The transport bound connectors use when their binding names no `fetch`: one
 * process-wide {@link nodeHttpFetch} (keep-alive agents shared by every
 * connector; idle sockets do not keep the process alive).
 *
 * @example
 * ```ts
 * const response = await defaultTransport()('http://127.0.0.1:8080/health');
 * ```
 */
export function defaultTransport(): typeof globalThis.fetch {
  shared ??= nodeHttpFetch();
  return shared;
}
