import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  classifyNetworkError,
  type ErrorCode,
  isLifelineError,
  NotFoundError,
  PermanentError,
  TimeoutError,
  TransientError,
} from 'lifeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** An error shaped like the ones Node and undici raise. */
function systemError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

/** fetch wraps the real failure: TypeError('fetch failed', { cause }). */
function fetchFailed(cause: Error): TypeError {
  return new TypeError('fetch failed', { cause });
}

const table: [name: string, error: unknown, code: ErrorCode, reached: boolean, retryable: boolean][] = [
  ['ECONNREFUSED', fetchFailed(systemError('ECONNREFUSED')), 'transient', false, true],
  ['ENOTFOUND', fetchFailed(systemError('ENOTFOUND')), 'transient', false, true],
  ['EAI_AGAIN', fetchFailed(systemError('EAI_AGAIN')), 'transient', false, true],
  ['undici connect timeout', fetchFailed(systemError('UND_ERR_CONNECT_TIMEOUT')), 'transient', false, true],
  ['ECONNRESET', fetchFailed(systemError('ECONNRESET')), 'transient', true, true],
  ['EPIPE', systemError('EPIPE'), 'transient', true, true],
  [
    'undici socket error',
    fetchFailed(systemError('UND_ERR_SOCKET', 'other side closed')),
    'transient',
    true,
    true,
  ],
  ['ETIMEDOUT', fetchFailed(systemError('ETIMEDOUT')), 'timeout', true, true],
  ['undici headers timeout', fetchFailed(systemError('UND_ERR_HEADERS_TIMEOUT')), 'timeout', true, true],
  ['undici body timeout', fetchFailed(systemError('UND_ERR_BODY_TIMEOUT')), 'timeout', true, true],
  [
    'AbortSignal.timeout()',
    new DOMException('The operation timed out.', 'TimeoutError'),
    'timeout',
    true,
    true,
  ],
  ['a caller abort', new DOMException('This operation was aborted', 'AbortError'), 'timeout', true, false],
  ['an unknown error', new RangeError('boom'), 'permanent', true, false],
  ['a thrown string', 'boom', 'permanent', true, false],
];

describe('classifyNetworkError', () => {
  it.each(table)('maps %s to %s (may have reached server: %s)', (_name, error, code, reached, retryable) => {
    const classified = classifyNetworkError(error, { context: { connector: 'acme' } });
    expect(isLifelineError(classified, code)).toBe(true);
    expect(classified.mayHaveReachedServer).toBe(reached);
    expect(classified.retryable).toBe(retryable);
    expect(classified.cause).toBe(error);
    expect(classified.context.connector).toBe('acme');
  });

  it('passes Lifeline errors through unchanged, also when wrapped as a cause', () => {
    const original = new NotFoundError();
    expect(classifyNetworkError(original)).toBe(original);
    expect(classifyNetworkError(new Error('wrapper', { cause: original }))).toBe(original);
  });

  it('treats an abort whose signal reason is a timeout as a retryable timeout', () => {
    const controller = new AbortController();
    controller.abort(new DOMException('deadline', 'TimeoutError'));
    const classified = classifyNetworkError(new DOMException('aborted', 'AbortError'), {
      callerSignal: controller.signal,
    });
    expect(classified).toBeInstanceOf(TimeoutError);
    expect(classified.retryable).toBe(true);
  });
});

describe('classifyNetworkError on real sockets', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/reset') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        response.write('{"partial":');
        setTimeout(() => request.socket.destroy(), 10);
        return;
      }
      if (request.url === '/hang') return;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function thrownBy(promise: Promise<unknown>): Promise<unknown> {
    try {
      await promise;
    } catch (error) {
      return error;
    }
    throw new Error('expected a rejection');
  }

  it('classifies a refused connection as transient and never sent', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = classifyNetworkError(await thrownBy(fetch(`http://127.0.0.1:${port}/`)));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.mayHaveReachedServer).toBe(false);
  });

  it('classifies a reset mid-response as transient and possibly applied', async () => {
    const error = classifyNetworkError(
      await thrownBy(fetch(`${base}/reset`).then((response) => response.text())),
    );
    expect(error).toBeInstanceOf(TransientError);
    expect(error.mayHaveReachedServer).toBe(true);
  });

  it('classifies an attempt timeout as a retryable timeout', async () => {
    const error = classifyNetworkError(
      await thrownBy(fetch(`${base}/hang`, { signal: AbortSignal.timeout(50) })),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.retryable).toBe(true);
  });

  it('classifies a caller abort as a timeout that is not retried', async () => {
    const controller = new AbortController();
    const pending = fetch(`${base}/hang`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = classifyNetworkError(await thrownBy(pending), { callerSignal: controller.signal });
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.retryable).toBe(false);
  });

  it('never classifies an unexpected programming error as retryable', () => {
    expect(
      classifyNetworkError(new TypeError("Cannot read properties of undefined (reading 'id')")),
    ).toBeInstanceOf(PermanentError);
  });
});
