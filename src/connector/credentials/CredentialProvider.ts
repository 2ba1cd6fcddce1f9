import type { Secret } from '../../model';

/** Options of {@link CredentialProvider.get}. */
export interface GetCredentialOptions {
  /** Abandons the wait (the shared refresh goes on for other callers). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Supplies the credential a connector presents to its target.
 * Implement it to plug in a vault, a workload identity, or a token exchange.
 *
 * @example
 * ```ts
 * const fromVault: CredentialProvider = {
 *   kind: 'vault', isStatic: false,
 *   get: async () => new Secret(await vault.read('acme/token')),
 *   invalidate: () => {},
 * };
 * ```
 */
export interface CredentialProvider {
  /** A short name for audit, e.g. `static` or `oauth2_client_credentials`. */
  readonly kind: string;
  /** True for long-lived static secrets, which audit flags. */
  readonly isStatic: boolean;
  /** Returns a currently valid credential. */
  get(options?: GetCredentialOptions): Promise<Secret>;
  /**
   * Tells the provider that `credential` was rejected (`auth_failed`), so the
   * next `get` fetches a new one. Ignored when a newer one is already cached.
   */
  invalidate(credential: Secret): void;
}
