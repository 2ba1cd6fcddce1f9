import { inspect } from 'node:util';
import {
  Account,
  Credential,
  formatObjectRef,
  Identity,
  IssuedCredential,
  isSecret,
  issuesFromZod,
  LIMITS,
  LifecycleEvent,
  pageOf,
  Secret,
  secret,
  secretRegistry,
} from 'lifeline';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/** Issues as Lifeline errors carry them: `path: message`. */
const messages = (result: { success: boolean; error?: z.ZodError }) =>
  result.error === undefined
    ? []
    : issuesFromZod(result.error).map((issue) => `${issue.path.join('.')}: ${issue.message}`);

describe('canonical model', () => {
  it('accepts a non-human identity with an owner', () => {
    const identity = Identity.parse({
      id: 'svc-ci',
      kind: 'service_account',
      displayName: 'CI deployer',
      owner: { id: 'team-platform', kind: 'team' },
      externalIds: { acme: 'u_42' },
    });
    expect(identity.kind).toBe('service_account');
    expect(identity.externalIds?.acme).toBe('u_42');
  });

  it('rejects a __proto__ key in a parsed payload, naming the key', () => {
    const result = Identity.safeParse(JSON.parse('{"id":"a","kind":"bot","__proto__":{"admin":true}}'));
    expect(result.success).toBe(false);
    expect(messages(result).join('\n')).toContain('__proto__');
  });

  it('rejects constructor and prototype as attribute keys', () => {
    for (const key of ['constructor', 'prototype', '__proto__']) {
      const result = Account.safeParse(
        JSON.parse(`{"id":"a","status":"active","attributes":{"${key}":"x"}}`),
      );
      expect(result.success, key).toBe(false);
      expect(messages(result).join('\n')).toContain('forbidden key');
    }
  });

  it('rejects oversize strings with the limit in the message', () => {
    const result = Identity.safeParse({ id: 'x'.repeat(LIMITS.id + 1), kind: 'bot' });
    expect(result.success).toBe(false);
    expect(messages(result)).toEqual([`id: must be at most ${LIMITS.id} characters`]);
  });

  it('rejects an unknown credential kind with the list of known kinds', () => {
    const result = Credential.safeParse({ id: 'k_1', kind: 'magic_cookie', status: 'active' });
    expect(result.success).toBe(false);
    expect(messages(result)[0]).toMatch(/^kind: is not a known credential kind; expected api_key/);
  });

  it('has no field that could hold a credential secret', () => {
    const result = Credential.safeParse({
      id: 'k_1',
      kind: 'api_key',
      status: 'active',
      secret: 'sk_live_x',
    });
    expect(result.success).toBe(false);
    expect(messages(result).join()).toContain('secret');
  });

  it('accepts only ISO timestamps', () => {
    expect(
      Credential.safeParse({ id: 'k', kind: 'api_key', status: 'active', createdAt: 'yesterday' }).success,
    ).toBe(false);
    expect(
      Credential.safeParse({ id: 'k', kind: 'api_key', status: 'active', createdAt: '2026-11-26T06:00:00Z' })
        .success,
    ).toBe(true);
  });

  it('requires an actor and a reason on a lifecycle event', () => {
    const result = LifecycleEvent.safeParse({
      id: 'e1',
      type: 'leaver',
      requestedAt: '2026-11-26T06:00:00Z',
    });
    expect(messages(result).sort()).toEqual([
      'actor: Invalid input: expected object, received undefined',
      'reason: Invalid input: expected string, received undefined',
    ]);
  });

  it('bounds the number of items in a page', () => {
    const Page = pageOf(z.number());
    expect(Page.safeParse({ items: new Array(10_001).fill(1) }).success).toBe(false);
    expect(Page.parse({ items: [1, 2], nextCursor: 'c2' })).toEqual({ items: [1, 2], nextCursor: 'c2' });
  });

  it('formats object references with every part escaped', () => {
    expect(formatObjectRef({ connector: 'acme', kind: 'credential', id: 'k/1' })).toBe(
      'acme/-/credential/k%2F1',
    );
    expect(formatObjectRef({ connector: 'acme', tenant: 't1', kind: 'account', id: 'u' })).toBe(
      'acme/t1/account/u',
    );
  });
});

describe('Secret', () => {
  const canary = 'sk_live_CANARY_4f9a8b7c6d5e';

  it('never prints its value through String, JSON, templates or inspect', () => {
    const value = new Secret(canary);
    const rendered = [String(value), JSON.stringify({ value }), `${value}`, inspect({ value }, { depth: 5 })];
    for (const text of rendered) expect(text).not.toContain(canary);
    expect(value.reveal()).toBe(canary);
  });

  it('is recognised across copies by its symbol brand', () => {
    const lookalike = { [Symbol.for('lifeline.secret')]: true };
    expect(isSecret(lookalike)).toBe(true);
    expect(isSecret({})).toBe(false);
    expect(isSecret('sk_live_x')).toBe(false);
  });

  it('compares values without revealing them', () => {
    expect(new Secret('a').equals(new Secret('a'))).toBe(true);
    expect(new Secret('a').equals(new Secret('b'))).toBe(false);
    expect(new Secret('a').equals(new Secret('aa'))).toBe(false);
  });

  it('parses config fields marked secret into Secrets registered for redaction', () => {
    const field = secret();
    const Config = z.object({ apiKey: field });
    const config = Config.parse({ apiKey: canary });
    expect(isSecret(config.apiKey)).toBe(true);
    expect(JSON.stringify(config)).not.toContain(canary);
    expect(secretRegistry.get(field)).toEqual({ secret: true });
  });

  it('wraps the secret of an issued credential', () => {
    const issued = IssuedCredential.parse({
      credential: { id: 'k_2', kind: 'api_key', status: 'active', last4: 'de5e' },
      secret: canary,
    });
    expect(JSON.stringify(issued)).not.toContain(canary);
    expect(issued.secret.reveal()).toBe(canary);
  });

  it('rejects an empty secret', () => {
    expect(secret().safeParse('').success).toBe(false);
  });
});
