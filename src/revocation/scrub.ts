import { createRedactor } from '../audit/createRedactor';

const redactor = createRedactor();

/**
 * Removes secret-looking values (bearer tokens, JWTs, common key prefixes,
 * high-entropy strings) from a message before the ledger, an outcome or
 * evidence holds it: an error or a custom check may quote what it should not.
 *
 * @example
 * ```ts
 * scrub('key fk_live_pksbuZ6nzavNskEN3sFK89ac1PAnIsGuSiXsAE7Q still works'); // 'key [redacted:key] still works'
 * ```
 */
export function scrub(text: string, max = 2048): string {
  return redactor.redactString(text).slice(0, max);
}
