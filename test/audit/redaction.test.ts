import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRedactor, defaultRedactor } from '../../src/audit';
import { Secret, secret } from '../../src/model';

const r = defaultRedactor;

describe('createRedactor', () => {
  it('replaces Secret instances and values under secret-named keys, case-insensitively', () => {
    expect(
      r.redact({
        apiKey: 'abc',
        Password: 'p',
        client_secret: 'c',
        'X-Authorization': 'x',
        token: new Secret('t'),
        tokenType: 'bearer',
        nested: { accessToken: 'a' },
        plain: new Secret('s'),
      }),
    ).toEqual({
      apiKey: '[secret]',
      Password: '[secret]',
      client_secret: '[secret]',
      'X-Authorization': '[secret]',
      token: '[secret]',
      tokenType: 'bearer',
      nested: { accessToken: '[secret]' },
      plain: '[secret]',
    });
  });

  it('removes fields marked secret() in a registered schema, whatever their name', () => {
    const Config = z.object({
      baseUrl: z.string(),
      hush: secret(),
      inner: z.object({ pin: secret().optional() }),
    });
    const redactor = createRedactor({ schemas: [Config] });
    expect(redactor.redact({ baseUrl: 'https://x', hush: 'h', inner: { pin: '1234' } })).toEqual({
      baseUrl: 'https://x',
      hush: '[secret]',
      inner: { pin: '[secret]' },
    });
  });

  it.each([
    [
      'a JWT',
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'jwt',
    ],
    ['a bearer token', 'Authorization: Bearer abcdefghijklmnop1234', 'bearer'],
    ['a GitHub token', 'key ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789', 'key'],
    ['a fine-grained GitHub token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', 'key'],
    ['a Slack bot token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKl', 'key'],
    ['a Slack user token', 'xoxp-123456789012-1234567890123-AbCdEfGhIjKl', 'key'],
    ['an AWS access key id', 'id AKIAIOSFODNN7EXAMPLE here', 'key'],
    ['a Stripe live key', 'sk_live_51Habcdefghijklmnop', 'key'],
    ['a Stripe test key', 'sk_test_51Habcdefghijklmnop', 'key'],
    [
      'a PEM private key',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
      'private_key',
    ],
    ['URL credentials', 'postgres://admin:hunter2hunter2@db:5432/x', 'url_credentials'],
    ['a random high-entropy string', 'value Zq8xK2mP9vL4nR7tY1wE5aS3dF6gH0jB', 'entropy'],
  ])('scrubs %s from strings', (_name, input, detector) => {
    const out = r.redactString(input);
    expect(out).toContain(`[redacted:${detector}]`);
  });

  it.each([
    ['a UUID', '3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a3b'],
    ['an ISO timestamp', '2026-01-05T10:00:00.000Z'],
    ['a SHA-256 hex hash', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['a trace id', '0af7651916cd43dd8448eb211c80319c'],
    ['a camelCase identifier with digits', 'ServiceAccountKeyRotation2024'],
    ['a reverse-DNS event type', 'dev.lifeline.credential.revoked'],
    ['an object ref', 'acme/t1/credential/k_1'],
    ['a sentence', 'Access token successfully revoked for svc-ci-deploy-bot-2024'],
  ])('leaves %s alone', (_name, input) => {
    expect(r.redactString(input)).toBe(input);
  });

  it('turns errors into plain objects with scrubbed messages and never mutates its input', () => {
    const input = { error: new Error('failed with Bearer abcdefghijklmnopqrstu'), list: ['ok'] };
    const out = r.redact(input) as unknown as { error: { message: string } };
    expect(out.error).toEqual({ name: 'Error', message: 'failed with Bearer [redacted:bearer]' });
    expect(input.error).toBeInstanceOf(Error);
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(r.redact(a)).toEqual({ name: 'a', self: '[circular]' });
  });

  it('rejects invalid options naming the field', () => {
    expect(() => createRedactor({ entropyThreshold: 99 })).toThrowError(
      expect.objectContaining({
        code: 'invalid_input',
        issues: [expect.objectContaining({ path: ['entropyThreshold'] })],
      }),
    );
  });
});
