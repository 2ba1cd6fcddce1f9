import { z } from 'zod';
import { LIMITS } from './limits';
import { Id, modelObject, Name, NameList, Timestamp } from './primitives';
import { secret } from './Secret';

/** Kinds of credential Lifeline can revoke. */
export const CredentialKind = z.enum(
  [
    'api_key',
    'oauth_client_secret',
    'access_token',
    'refresh_token',
    'ssh_key',
    'certificate',
    'password',
    'webhook_secret',
  ],
  {
    error:
      'is not a known credential kind; expected api_key, oauth_client_secret, access_token, refresh_token, ssh_key, certificate, password or webhook_secret',
  },
);
/** One of {@link CredentialKind}. */
export type CredentialKind = z.infer<typeof CredentialKind>;

/** State of a credential at its target. */
export const CredentialStatus = z.enum(['active', 'revoked', 'expired', 'unknown']);
/** One of {@link CredentialStatus}. */
export type CredentialStatus = z.infer<typeof CredentialStatus>;

/**
 * A credential's metadata. It never holds the secret value: only an id, a
 * fingerprint and at most the last few characters.
 *
 * @example
 * ```ts
 * Credential.parse({ id: 'k_1', kind: 'api_key', status: 'active', last4: 'a9f2' });
 * ```
 */
export const Credential = modelObject({
  id: Id,
  kind: CredentialKind,
  status: CredentialStatus,
  accountId: Id.optional(),
  label: Name.optional(),
  fingerprint: z.string().max(LIMITS.fingerprint).optional(),
  last4: z.string().max(LIMITS.last4, `must be at most ${LIMITS.last4} characters`).optional(),
  scopes: NameList.optional(),
  createdAt: Timestamp.optional(),
  expiresAt: Timestamp.optional(),
  lastUsedAt: Timestamp.optional(),
});
/** The parsed {@link Credential} schema. */
export type Credential = z.infer<typeof Credential>;

/**
 * A newly issued credential (from create or rotate): its metadata plus the
 * secret value, wrapped in a {@link Secret} so it cannot be logged by accident.
 *
 * @example
 * ```ts
 * const issued = IssuedCredential.parse({ credential, secret: 'sk_live_…' });
 * deliver(issued.secret.reveal());
 * ```
 */
export const IssuedCredential = modelObject({
  credential: Credential,
  secret: secret(),
});
/** The parsed {@link IssuedCredential} schema. */
export type IssuedCredential = z.infer<typeof IssuedCredential>;
