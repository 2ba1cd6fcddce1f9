import type { z } from 'zod';
import { formatIssues, issuesFromZod } from './issuesFromZod';
import { InvalidInputError } from './taxonomy';

/**
 * Parses `value` with `schema`; bad input becomes an `InvalidInputError`
 * listing every field path (never the values), marked as not having reached
 * any server. The one way every boundary turns a zod failure into a taxonomy error.
 *
 * @example
 * ```ts
 * const options = parseInput(RetryOptionsSchema, input, 'retry options');
 * ```
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = issuesFromZod(parsed.error);
  throw new InvalidInputError(`Invalid ${what}:\n${formatIssues(issues)}`, {
    issues,
    mayHaveReachedServer: false,
  });
}
