import { describe, expect, it } from 'vitest';
import { revocationFingerprint, revocationKey } from '../../src/revocation';
import { ledgerKey } from '../../src/revocation/idempotencyKey';

describe('revocationFingerprint', () => {
  const base = { kind: 'credential', credential: { id: 'k_1', accountId: 'u_1' } } as const;

  it('is the length-prefixed canonical form, independent of property order', () => {
    expect(revocationFingerprint('acme', 't1', base)).toBe(
      '2|4:acme|2:t1|credential.revoke|3:k_1|3:u_1|~|~|~',
    );
    expect(
      revocationFingerprint('acme', 't1', {
        credential: { accountId: 'u_1', id: 'k_1' },
        kind: 'credential',
      }),
    ).toBe(revocationFingerprint('acme', 't1', base));
  });

  it('changes with every parameter, the connector, the tenant and the action', () => {
    const fingerprints = new Set([
      revocationFingerprint('acme', 't1', base),
      revocationFingerprint('acme2', 't1', base),
      revocationFingerprint('acme', 't2', base),
      revocationFingerprint('acme', 't1', { ...base, credential: { id: 'k_2', accountId: 'u_1' } }),
      revocationFingerprint('acme', 't1', { ...base, credential: { id: 'k_1', accountId: 'u_2' } }),
      revocationFingerprint('acme', 't1', { ...base, credential: { id: 'k_1' } }),
      revocationFingerprint('acme', 't1', { ...base, account: { id: 'u_1' } }),
      revocationFingerprint('acme', 't1', { kind: 'account', account: { id: 'k_1' }, action: 'disable' }),
      revocationFingerprint('acme', 't1', { kind: 'account', account: { id: 'k_1' }, action: 'delete' }),
      revocationFingerprint('acme', 't1', { kind: 'session', account: { id: 'k_1' } }),
    ]);
    expect(fingerprints.size).toBe(10);
  });

  it('cannot be imitated by a value containing the separators', () => {
    const a = revocationFingerprint('acme', 't1', {
      kind: 'entitlement',
      account: { id: 'u|3:x' },
      entitlement: { id: 'e' },
    });
    const b = revocationFingerprint('acme', 't1', {
      kind: 'entitlement',
      account: { id: 'u' },
      entitlement: { id: 'x|1:e' },
    });
    expect(a).not.toBe(b);
  });

  it('hashes canonical forms longer than 160 characters, still distinguishing them', () => {
    const long = (id: string) =>
      revocationFingerprint('acme', 't1', { kind: 'credential', credential: { id: id.repeat(200) } });
    expect(long('a')).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(long('a')).not.toBe(long('b'));
    expect(long('a')).toBe(long('a'));
  });
});

describe('revocationKey', () => {
  it('leaves unreserved characters alone and encodes the rest, as encodeURIComponent', () => {
    expect(
      revocationKey(
        { connector: 'acme', tenant: 't1', kind: 'credential', id: 'k_1' },
        'credential.revoke',
        'evt-9',
      ),
    ).toBe('acme/t1/credential/k_1#credential.revoke@evt-9');
    expect(
      revocationKey(
        { connector: 'ac me', kind: 'credential', id: 'a/b#c@d' },
        'credential.revoke',
        'évt 9/10',
      ),
    ).toBe(
      `${encodeURIComponent('ac me')}/-/credential/${encodeURIComponent('a/b#c@d')}#credential.revoke@${encodeURIComponent('évt 9/10')}`,
    );
  });
});

describe('ledgerKey', () => {
  it('is the format every lifecycle action shares, encoding as revocationKey does', () => {
    const ref = { connector: 'acme', tenant: 't1', kind: 'account', id: 'svc ci' } as const;
    expect(ledgerKey(ref, 'account.create', 'evt/9')).toBe('acme/t1/account/svc%20ci#account.create@evt%2F9');
    expect(ledgerKey(ref, 'account.disable', 'evt/9')).toBe(revocationKey(ref, 'account.disable', 'evt/9'));
  });
});
