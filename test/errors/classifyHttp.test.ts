import {
  classifyHttp,
  type ErrorCode,
  isLifelineError,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  RateLimitedError,
  TransientError,
} from 'lifeline';
import { describe, expect, it } from 'vitest';

const table: [status: number, code: ErrorCode, retryable: boolean][] = [
  [400, 'invalid_input', false],
  [401, 'auth_failed', false],
  [403, 'forbidden', false],
  [404, 'not_found', false],
  [408, 'timeout', true],
  [409, 'conflict', false],
  [410, 'not_found', false],
  [412, 'conflict', false],
  [418, 'permanent', false],
  [422, 'invalid_input', false],
  [429, 'rate_limited', true],
  [500, 'transient', true],
  [501, 'unsupported', false],
  [502, 'transient', true],
  [503, 'transient', true],
  [504, 'timeout', true],
  [599, 'transient', true],
];

describe('classifyHttp', () => {
  it.each(table)('maps HTTP %i to %s (retryable: %s)', (status, code, retryable) => {
    const error = classifyHttp(
      { status },
      { context: { connector: 'acme', operation: 'credential.revoke' } },
    );
    expect(isLifelineError(error, code)).toBe(true);
    expect(error?.retryable).toBe(retryable);
    expect(error?.context).toEqual({ connector: 'acme', operation: 'credential.revoke', status });
    expect(error?.message).toContain(String(status));
  });

  it.each([200, 201, 204, 301, 304])('returns nothing for HTTP %i', (status) => {
    expect(classifyHttp({ status })).toBeUndefined();
  });

  it('reads Retry-After in seconds on a 429', () => {
    const error = classifyHttp({ status: 429, headers: new Headers({ 'Retry-After': '7' }) });
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(7000);
  });

  it('reads Retry-After as an HTTP-date on a 429, relative to now', () => {
    const now = Date.parse('2026-11-26T06:00:00Z');
    const error = classifyHttp(
      { status: 429, headers: { 'retry-after': 'Thu, 26 Nov 2026 06:00:30 GMT' } },
      { now },
    ) as RateLimitedError;
    expect(error.retryAfterMs).toBe(30_000);
  });

  it('reads Retry-After on a 503 as a hint on the transient error', () => {
    const error = classifyHttp({ status: 503, headers: { 'Retry-After': '2' } }) as TransientError;
    expect(error).toBeInstanceOf(TransientError);
    expect(error.retryAfterMs).toBe(2000);
  });

  it('leaves retryAfterMs undefined when the header is absent or unreadable', () => {
    expect((classifyHttp({ status: 429 }) as RateLimitedError).retryAfterMs).toBeUndefined();
    expect(
      (classifyHttp({ status: 429, headers: { 'retry-after': 'soon' } }) as RateLimitedError).retryAfterMs,
    ).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-26T06:00:00Z');
  it('accepts whole and fractional seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 12 ', now)).toBe(12_000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });
  it('clamps a date in the past to zero', () => {
    expect(parseRetryAfter('Thu, 26 Nov 2026 05:00:00 GMT', now)).toBe(0);
  });
  it('clamps hostile values to the maximum', () => {
    expect(parseRetryAfter('999999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
  });
  it('rejects negative numbers and garbage', () => {
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
