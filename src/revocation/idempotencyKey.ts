import { createHash } from 'node:crypto';
import { formatObjectRef, type ObjectRef } from '../model';
import type { RevocationAction } from './RevocationTarget';

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
  return `${formatObjectRef(ref)}#${action}@${encodeURIComponent(eventId)}`;
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`).join(',')}}`;
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
  return createHash('sha256').update(canonical(parameters)).digest('hex').slice(0, 32);
}
