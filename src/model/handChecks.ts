/**
 * Checks for the hot-path fast paths that skip zod when input is plainly
 * valid (every revocation, every ledger call). Each means what the zod rule in
 * its name means; when one fails, the caller lets zod decide and word the error.
 */

/**
 * A string of 1 to `max` UTF-16 units: zod's `z.string().min(1).max(max)`.
 *
 * @example
 * ```ts
 * isText(options.owner, 256); // false for '' and for undefined
 * ```
 */
export function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max;
}

/**
 * An integer from `min` to `max`: zod's `z.int().min(min).max(max)`.
 *
 * @example
 * ```ts
 * isIntIn(options.leaseMs, 100, 86_400_000);
 * ```
 */
export function isIntIn(value: unknown, min: number, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}
