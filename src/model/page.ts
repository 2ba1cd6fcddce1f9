import { z } from 'zod';
import { LIMITS } from './limits';

/** Most items one page may hold. */
export const MAX_PAGE_ITEMS = 10_000;

/**
 * A page of results from a list operation. `nextCursor` is absent on the last page.
 *
 * @example
 * ```ts
 * const CredentialPage = pageOf(Credential);
 * ```
 */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item).max(MAX_PAGE_ITEMS, `must have at most ${MAX_PAGE_ITEMS} items per page`),
    nextCursor: z.string().min(1).max(LIMITS.text).optional(),
  });
}

/** A page of `T`. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}
