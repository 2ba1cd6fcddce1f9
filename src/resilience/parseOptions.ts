import type { z } from 'zod';
import { formatIssues, InvalidInputError, issuesFromZod } from '../errors';

/**
 * Validates policy options with `schema`; bad input becomes an
 * `InvalidInputError` listing every field path.
 *
 * @example
 * ```ts
 * const options = parseOptions(RetryOptionsSchema, input, 'retry options');
 * ```
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = issuesFromZod(parsed.error);
  throw new InvalidInputError(`Invalid ${what}:\n${formatIssues(issues)}`, {
    issues,
    mayHaveReachedServer: false,
  });
}
