import { takeBufferedBody } from '../connector/BufferedResponse';
import { classifyNetworkError, SchemaDriftError } from '../errors';
import { FORBIDDEN_KEYS } from '../model';

/** Options of {@link readJsonBody}. */
export interface ReadJsonBodyOptions {
  /** Largest body accepted, in bytes (default 10 MiB). */
  readonly maxBytes?: number;
  /** Deepest nesting accepted (default 64). */
  readonly maxDepth?: number;
}

/** Default largest JSON body, 10 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

function drift(message: string): SchemaDriftError {
  return new SchemaDriftError(message, { hint: 'unknown_shape' });
}

/** Rejects nesting deeper than `maxDepth` and prototype-polluting keys, without recursion. */
function checkStructure(value: unknown, maxDepth: number): void {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) throw drift(`The target's JSON is nested deeper than ${maxDepth} levels.`);
    if (Array.isArray(current)) {
      for (const item of current)
        if (item !== null && typeof item === 'object') stack.push([item, depth + 1]);
      continue;
    }
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_KEYS.has(key)) throw drift(`The target's JSON contains a forbidden key "${key}".`);
      const child = (current as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
}

/**
 * Reads a response body as JSON, bounded in memory and time: a wrong content
 * type, a body over `maxBytes` (checked on `content-length` and while
 * streaming), invalid JSON, nesting deeper than `maxDepth`, or a `__proto__`
 * / `constructor` key is a `schema_drift` error; a connection that fails
 * mid-body is classified (`transient`). An empty body yields `undefined`.
 *
 * @example
 * ```ts
 * const response = await ctx.fetch(url);
 * const body = await readJsonBody(response, { maxBytes: 1024 * 1024 });
 * ```
 */
export async function readJsonBody(response: Response, options: ReadJsonBodyOptions = {}): Promise<unknown> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxDepth = options.maxDepth ?? 64;
  const type = response.headers.get('content-type');
  if (type !== null && !/[/+]json\b/i.test(type)) {
    await response.body?.cancel().catch(() => undefined);
    throw drift(`The target answered with content type "${type.split(';')[0]}" where JSON was expected.`);
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw drift(`The target's body of ${declared} bytes exceeds the ${maxBytes}-byte limit.`);
  }
  // A body the transport already holds (nodeHttpFetch): no stream to read.
  const buffered = takeBufferedBody(response);
  if (buffered !== undefined) {
    if (buffered === null || buffered.byteLength === 0) return undefined;
    if (buffered.byteLength > maxBytes) throw drift(`The target's body exceeds the ${maxBytes}-byte limit.`);
    return parseJson(
      Buffer.from(buffered.buffer, buffered.byteOffset, buffered.byteLength).toString('utf8'),
      buffered.byteLength,
      maxDepth,
    );
  }
  if (response.body === null) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw drift(`The target's body exceeds the ${maxBytes}-byte limit.`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof SchemaDriftError) throw error;
    throw classifyNetworkError(error);
  }
  if (size === 0) return undefined;
  return parseJson(Buffer.concat(chunks, size).toString('utf8'), size, maxDepth);
}

function parseJson(text: string, size: number, maxDepth: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw drift(`The target's body is not valid JSON (${size} bytes).`);
  }
  checkStructure(value, maxDepth);
  return value;
}
