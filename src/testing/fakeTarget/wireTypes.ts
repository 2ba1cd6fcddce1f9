/**
 * The fake target's wire payloads, as TypeScript types, for documentation and
 * for tests that build requests. Connectors must not import these: they define
 * their own zod schemas, as they would for a real SaaS API (that is what lets
 * them detect drift). `docs/fake-target.md` shows each payload on the wire.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireListV1<WireKeyV1>;
 * ```
 */

/**
 * v1 list envelope: numbered pages.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireListV1<WireAccountV1>;
 * ```
 */
export interface WireListV1<T> {
  readonly data: readonly T[];
  /** The next page number, or `null` on the last page. */
  readonly next_page: number | null;
}

/**
 * v2 list envelope: opaque cursors.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireListV2<WireAccountV2>;
 * ```
 */
export interface WireListV2<T> {
  readonly items: readonly T[];
  /** Pass as `?cursor=` for the next page; `null` on the last page. */
  readonly cursor: string | null;
}

/**
 * v1 account. Bots are reported as `service`.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireAccountV1;
 * ```
 */
export interface WireAccountV1 {
  readonly id: string;
  readonly name: string;
  readonly type: 'human' | 'service';
  readonly owner: string | null;
  readonly status: 'active' | 'disabled';
  /** ISO 8601. */
  readonly created_at: string;
}

/**
 * v2 account: `name`→`display_name`, `type`→`kind` (adds `bot`), owner and status retyped, epoch seconds.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireAccountV2;
 * ```
 */
export interface WireAccountV2 {
  readonly id: string;
  readonly display_name: string;
  readonly kind: 'human' | 'service' | 'bot';
  readonly owner: { readonly email: string } | null;
  readonly state: { readonly enabled: boolean };
  /** Epoch seconds. */
  readonly created: number;
}

/**
 * v1 key (API key or token), under `/accounts/:id/keys`.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireKeyV1;
 * ```
 */
export interface WireKeyV1 {
  readonly key_id: string;
  readonly account_id: string;
  readonly name: string;
  readonly type: 'api_key' | 'token';
  readonly last4: string;
  /** ISO 8601. */
  readonly created_at: string;
  readonly expires_at: string | null;
  readonly last_used_at: string | null;
  readonly state: 'active' | 'revoked';
}

/**
 * v2 credential, under `/credentials`: renamed, epoch seconds, `state` → `revoked: boolean`.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireKeyV2;
 * ```
 */
export interface WireKeyV2 {
  readonly id: string;
  readonly account: string;
  readonly display_name: string;
  readonly type: 'api_key' | 'token';
  readonly last4: string;
  /** Epoch seconds. */
  readonly created: number;
  readonly expires: number | null;
  readonly last_used: number | null;
  readonly revoked: boolean;
}

/**
 * A created key: the key plus its secret, returned once (v1 shape).
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireCreatedKeyV1;
 * ```
 */
export interface WireCreatedKeyV1 extends WireKeyV1 {
  readonly secret: string;
}

/**
 * A created credential: the credential plus its secret, returned once (v2 shape).
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireCreatedKeyV2;
 * ```
 */
export interface WireCreatedKeyV2 extends WireKeyV2 {
  readonly secret: string;
}

/**
 * v1 group.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireGroupV1;
 * ```
 */
export interface WireGroupV1 {
  readonly id: string;
  readonly name: string;
  readonly member_count: number;
  readonly created_at: string;
}

/**
 * v2 group.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireGroupV2;
 * ```
 */
export interface WireGroupV2 {
  readonly id: string;
  readonly display_name: string;
  readonly member_count: number;
  readonly created: number;
}

/**
 * v1 group member.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireMemberV1;
 * ```
 */
export interface WireMemberV1 {
  readonly account_id: string;
  readonly added_at: string;
}

/**
 * v2 group member.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireMemberV2;
 * ```
 */
export interface WireMemberV2 {
  readonly account: string;
  readonly added: number;
}

/**
 * v1 session.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireSessionV1;
 * ```
 */
export interface WireSessionV1 {
  readonly session_id: string;
  readonly account_id: string;
  readonly ip: string;
  readonly created_at: string;
  readonly last_seen_at: string;
  readonly state: 'active' | 'revoked';
}

/**
 * v2 session.
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireSessionV2;
 * ```
 */
export interface WireSessionV2 {
  readonly id: string;
  readonly account: string;
  readonly ip: string;
  readonly created: number;
  readonly last_seen: number;
  readonly revoked: boolean;
}

/**
 * `GET /version` (same shape in both versions, so a connector can probe it).
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireVersion;
 * ```
 */
export interface WireVersion {
  readonly api_version: 'v1' | 'v2';
  readonly supported: readonly ('v1' | 'v2')[];
}

/**
 * v1 error body (`application/json`).
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireErrorV1;
 * ```
 */
export interface WireErrorV1 {
  readonly error: { readonly code: string; readonly message: string };
}

/**
 * v2 error body (`application/problem+json`, RFC 9457).
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireProblemV2;
 * ```
 */
export interface WireProblemV2 {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
}

/**
 * `POST /oauth/token` success (RFC 6749 §5.1).
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireTokenResponse;
 * ```
 */
export interface WireTokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
}

/**
 * `POST /oauth/token` failure (RFC 6749 §5.2).
 *
 * @example
 * ```ts
 * const body = (await response.json()) as WireTokenError;
 * ```
 */
export interface WireTokenError {
  readonly error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';
  readonly error_description?: string;
}
