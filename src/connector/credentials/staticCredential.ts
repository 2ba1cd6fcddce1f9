import { type Secret, toSecret } from '../../model';
import type { CredentialProvider } from './CredentialProvider';

/**
 * A fixed secret (an API key, a personal access token). It is marked static so
 * that audit records every use of a long-lived credential; prefer a provider of
 * short-lived tokens where the target offers one.
 *
 * @example
 * ```ts
 * const bound = acme.with(config, staticCredential(process.env.ACME_API_KEY!));
 * ```
 */
export function staticCredential(value: string | Secret): CredentialProvider {
  const secret = toSecret(value);
  return {
    kind: 'static',
    isStatic: true,
    get: () => Promise.resolve(secret),
    invalidate: () => {},
  };
}
