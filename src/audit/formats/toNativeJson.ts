import type { AuditEvent } from '../AuditEvent';
import { canonicalJson } from '../canonicalJson';

/**
 * The native format: the event as canonical JSON (RFC 8785), byte-for-byte
 * stable, so two serializations of the same event compare and hash equal.
 *
 * @example
 * ```ts
 * toNativeJson(event); // '{"action":"credential.revoke",...}'
 * ```
 */
export function toNativeJson(event: AuditEvent): string {
  return canonicalJson(event);
}
