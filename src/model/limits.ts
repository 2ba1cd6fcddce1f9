/** Size limits of model fields; larger input is rejected with `invalid_input` or `schema_drift`. */
export const LIMITS = {
  /** Identifiers (ids, usernames, tenant names). */
  id: 512,
  /** Names, labels, display names. */
  name: 256,
  /** Reasons, descriptions. */
  text: 4096,
  /** Credential fingerprints. */
  fingerprint: 256,
  /** Visible suffix of a credential (never the secret). */
  last4: 8,
  /** Entries in an `attributes` map. */
  attributes: 64,
  /** Items in a list field such as `scopes`. */
  listItems: 1024,
  /** A secret value's length. */
  secret: 16_384,
} as const;
