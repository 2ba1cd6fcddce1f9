import type { z } from 'zod';
import type { ValidationIssue } from './taxonomy';

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Turns zod issues into {@link ValidationIssue}s that carry paths and types but
 * never the offending values (they may be secrets). Zod's own `input` is dropped.
 *
 * @example
 * ```ts
 * const parsed = schema.safeParse(body);
 * if (!parsed.success) throw new SchemaDriftError('bad body', { issues: issuesFromZod(parsed.error) });
 * ```
 */
export function issuesFromZod(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => {
    const raw = issue as { expected?: unknown; input?: unknown; issues?: unknown };
    const inner = Array.isArray(raw.issues)
      ? (raw.issues as { message?: unknown }[]).map((i) => i.message).filter((m) => typeof m === 'string')
      : [];
    return {
      path: issue.path.map((key) => (typeof key === 'symbol' ? String(key.description) : key)),
      message:
        inner.length > 0 && issue.code !== 'invalid_union'
          ? `${issue.message}: ${inner.join('; ')}`
          : issue.message,
      code: issue.code,
      ...(typeof raw.expected === 'string' ? { expected: raw.expected } : {}),
      ...('input' in raw && issue.code === 'invalid_type' ? { received: typeName(raw.input) } : {}),
    };
  });
}

/** Formats issues as `path: message` lines for an error message. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues
    .map((i) => `  - ${i.path.length === 0 ? '(root)' : i.path.join('.')}: ${i.message}`)
    .join('\n');
}
