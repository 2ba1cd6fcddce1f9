/** Longest Retry-After honoured, so a hostile header cannot park a worker for days. */
export const MAX_RETRY_AFTER_MS = 15 * 60 * 1000;

/**
 * Parses an HTTP `Retry-After` value (delay-seconds or an HTTP-date) into
 * milliseconds from `now`, clamped to [0, {@link MAX_RETRY_AFTER_MS}].
 * Returns `undefined` when the header is absent or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter('120');                             // 120000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT');   // ms until then
 * ```
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else if (/^\d+\.\d+$/.test(text)) {
    ms = Math.ceil(Number(text) * 1000);
  } else if (/^[A-Za-z]{3,9},? /.test(text)) {
    // IMF-fixdate, RFC 850 or asctime (RFC 9110 §5.6.7); all start with a day name.
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  } else {
    return undefined;
  }
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}
