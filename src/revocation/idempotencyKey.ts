import * as crypto from 'node:crypto';
import { formatObjectRef, type ObjectRef } from '../model';
import { encodePart } from '../model/objectRef';
import type { RevocationAction, RevocationTarget } from './RevocationTarget';

/**
 * The default idempotency key of a revocation: connector, tenant, object,
 * action and lifecycle event. The same revocation for the same event is done
 * once; a new event (a second offboarding) revokes again.
 *
 * @example
 * ```ts
 * revocationKey({ connector: 'acme', tenant: 't1', kind: 'credential', id: 'k_1' }, 'credential.revoke', 'evt-9');
 * // 'acme/t1/credential/k_1#credential.revoke@evt-9'
 * ```
 */
export function revocationKey(ref: ObjectRef, action: RevocationAction, eventId: string): string {
  return ledgerKey(ref, action, eventId);
}

/**
 * The ledger key of any lifecycle action on one object for one event,
 * `connector/tenant/kind/id#action@eventId`: revocations, account creates and
 * grants share the format.
 *
 * @example
 * ```ts
 * ledgerKey({ connector: 'acme', tenant: 't1', kind: 'account', id: 'svc-ci' }, 'account.create', 'evt-9');
 * // 'acme/t1/account/svc-ci#account.create@evt-9'
 * ```
 */
export function ledgerKey(ref: ObjectRef, action: string, eventId: string): string {
  // One flat string (join), not a tree of concatenations: the ledger keeps every key.
  return [formatObjectRef(ref), '#', action, '@', encodePart(eventId)].join('');
}

/** Sorted-key JSON, skipping `undefined` members (written for speed: it runs on every revocation). */
function canonical(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonical(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonical(item)}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * A fingerprint of a request's parameters (SHA-256 over sorted-key JSON, first
 * 32 hex digits). The same key with a different fingerprint is a `conflict`.
 *
 * @example
 * ```ts
 * requestFingerprint({ action: 'credential.revoke', input: { credential: { id: 'k_1' } } });
 * ```
 */
export function requestFingerprint(parameters: unknown): string {
  return sha256Hex(canonical(parameters)).slice(0, 32);
}

/** One-shot `crypto.hash` (Node ≥ 20.12) is several times cheaper than a `Hash` object for short inputs. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

function sha256Hex(text: string): string {
  return oneShot === undefined
    ? crypto.createHash('sha256').update(text).digest('hex')
    : oneShot('sha256', text, 'hex');
}

/** Appends a field in a fixed position: length-prefixed, so no value can imitate a separator; `~` is absent. */
function field(parts: string[], value: string | undefined): void {
  if (value === undefined) parts.push('|~');
  else parts.push('|', String(value.length), ':', value);
}

/** Longest canonical form kept as the fingerprint itself; longer ones are hashed. */
const MAX_PLAIN_FINGERPRINT = 160;

/**
 * The fingerprint `revoke` stores with a key: the action, the object and every
 * parameter of the parsed target, each length-prefixed in a fixed position (so
 * it does not depend on property order and needs no JSON). Up to 160 characters
 * that canonical form *is* the fingerprint (compared exactly; it holds only
 * identifiers, never secrets, and no hash is computed on the hot path); longer
 * ones are `sha256:` plus the first 32 hex digits of its SHA-256. The same key
 * with a different fingerprint is a `conflict`.
 *
 * @example
 * ```ts
 * revocationFingerprint('acme', 't1', { kind: 'credential', credential: { id: 'k_1' } });
 * // '2|4:acme|2:t1|credential.revoke|3:k_1|~|~|~|~'
 * ```
 */
export function revocationFingerprint(connector: string, tenant: string, target: RevocationTarget): string {
  // Built as parts and joined once: one flat string, not a tree of concatenations (ledgers keep it).
  const parts: string[] = ['2'];
  field(parts, connector);
  field(parts, tenant);
  switch (target.kind) {
    case 'credential':
      parts.push('|credential.revoke');
      field(parts, target.credential.id);
      field(parts, target.credential.accountId);
      field(parts, target.credential.kind);
      field(parts, target.account?.id);
      field(parts, target.account?.username);
      break;
    case 'session':
      parts.push('|session.revoke');
      field(parts, target.account.id);
      field(parts, target.account.username);
      field(parts, target.session?.id);
      break;
    case 'entitlement':
      parts.push('|entitlement.revoke');
      field(parts, target.account.id);
      field(parts, target.account.username);
      field(parts, target.entitlement.id);
      field(parts, target.entitlement.kind);
      break;
    case 'account':
      parts.push(`|account.${target.action}`);
      field(parts, target.account.id);
      field(parts, target.account.username);
      break;
  }
  const canonicalForm = parts.join('');
  return canonicalForm.length <= MAX_PLAIN_FINGERPRINT
    ? canonicalForm
    : `sha256:${sha256Hex(canonicalForm).slice(0, 32)}`;
}
