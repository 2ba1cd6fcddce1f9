import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { FaultSpec } from './FaultRule';
import { type ErrorDialect, errorReply, type Reply } from './Reply';
import type { FakeApiVersion } from './TenantState';

/**
 * Everything a fault responder needs from the request pipeline.
 *
 * @example
 * ```ts
 * respondWithFault({ res, version: 'v1', reply: undefined, pick: (n) => prng.int(n), send }, fault);
 * ```
 */
export interface FaultResponse {
  readonly res: ServerResponse;
  readonly version: FakeApiVersion;
  /** The dialect of error bodies (the version, or `scim` on SCIM routes); `version` when absent. */
  readonly dialect?: ErrorDialect;
  /** The real reply (phase `after`), or undefined (phase `before`). */
  readonly reply: Reply | undefined;
  /** Picks from a list deterministically (the rule's PRNG). */
  readonly pick: (n: number) => number;
  /** Sends a complete reply (and counts it). */
  readonly send: (reply: Reply) => void;
}

const SYNTHETIC_BODY = `{"data":[{"id":"acc_0000000000000","name":"svc-1","status":"active"}],"padding":"${'x'.repeat(200)}"}`;
const OVERSIZE_CHUNK = Buffer.alloc(64 * 1024, 'a');

function retryAfterValue(seconds: number, format: 'seconds' | 'http-date'): string {
  if (format === 'seconds') return String(seconds);
  return new Date(Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000).toUTCString();
}

/** The body a mangling fault works on: the real one when there is one, else a synthetic page. */
function bodyText(reply: Reply | undefined): { status: number; text: string } {
  if (reply?.json !== undefined) return { status: reply.status, text: JSON.stringify(reply.json) };
  return { status: 200, text: SYNTHETIC_BODY };
}

function resetConnection(target: FaultResponse, fault: Extract<FaultSpec, { kind: 'reset' }>): void {
  const socket = target.res.socket;
  if (socket === null || socket.destroyed) return;
  if (fault.sent === 'nothing') {
    socket.resetAndDestroy();
    return;
  }
  const { status, text } = bodyText(target.reply);
  const body = Buffer.from(text);
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'OK'}\r\n` +
    `content-type: application/json\r\ncontent-length: ${body.length}\r\n` +
    `x-api-version: ${target.version}\r\nconnection: keep-alive\r\n\r\n`;
  const partial =
    fault.sent === 'headers' ? Buffer.alloc(0) : body.subarray(0, Math.max(1, body.length >> 1));
  socket.write(Buffer.concat([Buffer.from(head), partial]), () => socket.destroy());
}

function streamOversize(res: ServerResponse, fault: Extract<FaultSpec, { kind: 'oversize' }>): void {
  const head = Buffer.from('{"data":"');
  const tail = Buffer.from('"}');
  const total = Math.max(fault.bytes, head.length + tail.length);
  res.writeHead(200, {
    'content-type': 'application/json',
    ...(fault.declareLength ? { 'content-length': String(total) } : {}),
  });
  res.write(head);
  let remaining = total - head.length - tail.length;
  const pump = (): void => {
    while (remaining > 0) {
      if (res.destroyed) return;
      const n = Math.min(remaining, OVERSIZE_CHUNK.length);
      remaining -= n;
      const ok = res.write(n === OVERSIZE_CHUNK.length ? OVERSIZE_CHUNK : OVERSIZE_CHUNK.subarray(0, n));
      if (!ok) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end(tail);
  };
  pump();
}

/**
 * Answers a request with a terminal fault (every kind except `latency` and
 * `hang`, which the pipeline handles because they wait). Statuses and bodies use
 * the tenant's API version; resets write raw bytes and then close the socket.
 *
 * @example
 * ```ts
 * respondWithFault({ res, version: 'v1', reply, pick, send }, { kind: 'status', status: 503, ... });
 * ```
 */
export function respondWithFault(
  target: FaultResponse,
  fault: Exclude<FaultSpec, { kind: 'latency' | 'hang' }>,
): void {
  switch (fault.kind) {
    case 'status': {
      const status =
        typeof fault.status === 'number'
          ? fault.status
          : (fault.status[target.pick(fault.status.length)] ?? 500);
      const headers =
        fault.retryAfterSeconds === undefined
          ? undefined
          : { 'retry-after': retryAfterValue(fault.retryAfterSeconds, fault.retryAfterFormat) };
      target.send(
        errorReply(
          target.dialect ?? target.version,
          status,
          status >= 500 ? 'server_error' : 'injected_error',
          `Injected ${status}.`,
          headers,
        ),
      );
      return;
    }
    case 'rateLimit': {
      const headers =
        fault.retryAfterSeconds === null
          ? undefined
          : { 'retry-after': retryAfterValue(fault.retryAfterSeconds, fault.retryAfterFormat) };
      target.send(
        errorReply(target.dialect ?? target.version, 429, 'rate_limited', 'Too many requests.', headers),
      );
      return;
    }
    case 'reset':
      resetConnection(target, fault);
      return;
    case 'malformedJson': {
      const { text } = bodyText(target.reply);
      const cut = text.slice(0, Math.max(1, Math.floor(text.length * 0.6)));
      target.send({ status: fault.status, raw: cut });
      return;
    }
    case 'wrongContentType':
      target.send({ status: fault.status, contentType: fault.contentType, raw: fault.body });
      return;
    case 'oversize':
      streamOversize(target.res, fault);
      return;
  }
}
