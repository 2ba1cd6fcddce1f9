let lastMs = Number.NaN;
let lastIso = '';

/**
 * The current time as an ISO 8601 string, like `new Date().toISOString()` but
 * formatted at most once per millisecond: on hot paths (every revocation
 * outcome, every audit event) formatting costs more than the work around it.
 *
 * @example
 * ```ts
 * const outcome = { status: 'revoked', at: isoNow() }; // '2026-11-26T09:41:07.123Z'
 * ```
 */
export function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}
