import { z } from 'zod';
import { InvalidInputError, issuesFromZod } from '../../errors';
import type { AuditEvent } from '../AuditEvent';

/** CAEP event type URIs this mapping produces. */
export const CAEP_EVENT_TYPES = {
  credentialChange: 'https://schemas.openid.net/secevent/caep/event-type/credential-change',
  sessionRevoked: 'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
} as const;

/** A subject identifier (RFC 9493 / SSF), format-based. */
export type SubjectIdentifier =
  | { readonly format: 'opaque'; readonly id: string }
  | { readonly format: 'email'; readonly email: string }
  | { readonly format: 'iss_sub'; readonly iss: string; readonly sub: string }
  | {
      readonly format: 'complex';
      readonly user?: SubjectIdentifier;
      readonly session?: SubjectIdentifier;
      readonly tenant?: SubjectIdentifier;
    };

/** A Security Event Token payload (RFC 8417) with one CAEP event. It never has a top-level `sub`. */
export interface SecurityEventTokenPayload {
  readonly iss: string;
  readonly jti: string;
  readonly iat: number;
  readonly aud?: string | readonly string[];
  readonly txn: string;
  readonly sub_id: SubjectIdentifier;
  readonly events: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Options of {@link toSecurityEventToken}. */
export interface SecurityEventTokenOptions {
  /** The transmitter's issuer URL (`iss`). */
  readonly issuer: string;
  /** The receiver(s) (`aud`). */
  readonly audience?: string | readonly string[];
  /** Builds `sub_id`; default: `opaque` identity id, as `complex` with the tenant (and session) when known. */
  readonly subjectId?: (event: AuditEvent) => SubjectIdentifier;
  /** Issue time in seconds; default the event's time (keeps the function pure). */
  readonly issuedAt?: number;
}

const Options = z.strictObject({
  issuer: z.string().min(1).max(2048),
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  subjectId: z.custom<(event: AuditEvent) => SubjectIdentifier>((v) => typeof v === 'function').optional(),
  issuedAt: z.int().min(0).optional(),
});

const CAEP_CREDENTIAL_TYPES: Record<string, string> = { password: 'password', certificate: 'x509' };

function defaultSubjectId(event: AuditEvent, session: string | undefined): SubjectIdentifier {
  const user: SubjectIdentifier = { format: 'opaque', id: event.subject?.id ?? 'unknown' };
  const tenantId = event.target?.tenant ?? event.subject?.tenant;
  if (tenantId === undefined && session === undefined) return user;
  return {
    format: 'complex',
    user,
    ...(session === undefined ? {} : { session: { format: 'opaque', id: session } }),
    ...(tenantId === undefined ? {} : { tenant: { format: 'opaque', id: tenantId } }),
  };
}

/**
 * Maps a successful credential or session revocation to an OpenID SSF/CAEP
 * Security Event Token payload: `credential-change` with `change_type: revoke`
 * (or `update` for a rotation), or `session-revoked`. `jti` is the audit event
 * id, `txn` the lifecycle event id (so every SET of one offboarding shares it),
 * `sub_id` a format-based subject identifier, `initiating_entity` from the
 * actor (person → admin). Returns `undefined` for events CAEP has no type for
 * (failures, plans, account and entitlement changes, run events).
 *
 * @example
 * ```ts
 * const payload = toSecurityEventToken(event, { issuer: 'https://lifeline.example.com' });
 * const jwt = payload && (await signSecurityEventToken(payload, signer));
 * ```
 */
export function toSecurityEventToken(
  event: AuditEvent,
  options: SecurityEventTokenOptions,
): SecurityEventTokenPayload | undefined {
  const parsed = Options.safeParse(options);
  if (!parsed.success) {
    throw new InvalidInputError('toSecurityEventToken options are invalid.', {
      issues: issuesFromZod(parsed.error),
    });
  }
  const status = event.outcome?.status;
  if (status !== 'revoked' && status !== 'already_absent') return undefined;
  if (event.subject === undefined) return undefined;
  const eventTimestamp = Math.floor(Date.parse(event.time) / 1000);
  const actor = event.actor;
  const common: Record<string, unknown> = {
    event_timestamp: eventTimestamp,
    ...(actor ? { initiating_entity: actor.kind === 'person' ? 'admin' : actor.kind } : {}),
    ...(event.lifecycleEvent ? { reason_admin: { en: event.lifecycleEvent.reason } } : {}),
  };
  let type: string;
  let claims: Record<string, unknown>;
  let session: string | undefined;
  if (event.action === 'credential.revoke' || event.action === 'credential.rotate') {
    const kind = event.target?.credentialKind;
    type = CAEP_EVENT_TYPES.credentialChange;
    claims = {
      credential_type: kind === undefined ? 'app' : (CAEP_CREDENTIAL_TYPES[kind] ?? kind),
      change_type: event.action === 'credential.revoke' ? 'revoke' : 'update',
      ...(event.target?.objectLabel ? { friendly_name: event.target.objectLabel } : {}),
      ...common,
    };
  } else if (event.action === 'session.revoke') {
    type = CAEP_EVENT_TYPES.sessionRevoked;
    session = event.target?.object?.kind === 'session' ? event.target.object.id : undefined;
    claims = common;
  } else {
    return undefined;
  }
  return {
    iss: options.issuer,
    jti: event.id,
    iat: options.issuedAt ?? eventTimestamp,
    ...(options.audience === undefined ? {} : { aud: options.audience }),
    txn: event.lifecycleEvent?.id ?? event.runId ?? event.id,
    sub_id: options.subjectId ? options.subjectId(event) : defaultSubjectId(event, session),
    events: { [type]: claims },
  };
}

/** Signs bytes for a JWS; the caller owns the key (KMS, HSM, JOSE library). */
export interface SetSigner {
  /** JWS `alg`, e.g. `ES256`, `RS256`, `EdDSA`. */
  readonly alg: string;
  /** JWS `kid`, when the receiver selects keys by id. */
  readonly kid?: string;
  /** Signs the JWS signing input (`base64url(header).base64url(payload)`) and returns the raw signature. */
  sign(data: Uint8Array): Promise<Uint8Array> | Uint8Array;
}

/**
 * Encodes a SET payload as a compact JWS with header `typ: secevent+jwt`,
 * signed by the caller's signer.
 *
 * @example
 * ```ts
 * const signer = { alg: 'EdDSA', kid: 'k1', sign: (data) => crypto.sign(null, data, privateKey) };
 * const jwt = await signSecurityEventToken(payload, signer);
 * ```
 */
export async function signSecurityEventToken(
  payload: SecurityEventTokenPayload,
  signer: SetSigner,
): Promise<string> {
  if (
    typeof signer?.sign !== 'function' ||
    typeof signer.alg !== 'string' ||
    signer.alg.length === 0 ||
    signer.alg === 'none'
  ) {
    throw new InvalidInputError('signSecurityEventToken needs a signer with alg (not "none") and sign().', {
      issues: [{ path: ['signer'], message: 'must have alg and sign()' }],
    });
  }
  const header = { alg: signer.alg, typ: 'secevent+jwt', ...(signer.kid ? { kid: signer.kid } : {}) };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = await signer.sign(new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}
