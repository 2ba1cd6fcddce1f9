import { z } from 'zod';
import { InvalidInputError } from '../../errors';

/** Where the next page starts, and the first id of the page before (to detect servers that ignore `startIndex`). */
export interface ListCursor {
  /** 1-based `startIndex` of the next page. */
  readonly startIndex: number;
  /** Id of the first resource of the previous page. */
  readonly previousFirstId?: string | undefined;
}

const CursorJson = z.strictObject({
  s: z
    .int()
    .min(1)
    .max(2 ** 31),
  f: z.string().max(512).optional(),
});

/**
 * Encodes a list cursor as an opaque base64url string.
 *
 * @example
 * ```ts
 * encodeListCursor({ startIndex: 101, previousFirstId: 'u1' });
 * ```
 */
export function encodeListCursor(cursor: ListCursor): string {
  const json = {
    s: cursor.startIndex,
    ...(cursor.previousFirstId === undefined ? {} : { f: cursor.previousFirstId }),
  };
  return Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeListCursor}; anything else is `invalid_input`.
 *
 * @example
 * ```ts
 * decodeListCursor(page.nextCursor).startIndex; // 101
 * ```
 */
export function decodeListCursor(cursor: string): ListCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = CursorJson.safeParse(parsed);
  if (!result.success) {
    throw new InvalidInputError(
      'The cursor is not one the SCIM connector issued; pass a nextCursor from a previous page.',
      {
        issues: [{ path: ['cursor'], message: 'is not a SCIM connector cursor' }],
        mayHaveReachedServer: false,
      },
    );
  }
  return { startIndex: result.data.s, previousFirstId: result.data.f };
}
