import { formatIssues, InvalidInputError, type ValidationIssue } from '../errors';
import { isSecret } from '../model';

/** A JSON value: what the store keeps as an outcome or payload. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** Largest serialised JSON document a store accepts (1 MiB). */
export const MAX_JSON_BYTES = 1024 * 1024;
const MAX_DEPTH = 64;

function check(value: unknown, path: (string | number)[], issues: ValidationIssue[]): void {
  if (issues.length >= 10) return;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      issues.push({ path: [...path], message: 'must be a finite number', code: 'invalid_type' });
    return;
  }
  if (typeof value !== 'object') {
    issues.push({
      path: [...path],
      message: `${typeof value} is not JSON`,
      code: 'invalid_type',
      received: typeof value,
    });
    return;
  }
  if (isSecret(value)) {
    issues.push({
      path: [...path],
      message: 'secrets are never stored',
      code: 'invalid_type',
      received: 'Secret',
    });
    return;
  }
  if (path.length >= MAX_DEPTH) {
    // Also where a circular reference ends up.
    issues.push({
      path: [...path],
      message: `nested deeper than ${MAX_DEPTH} (or circular)`,
      code: 'too_big',
    });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      check(value[i], path, issues);
      path.pop();
    }
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      issues.push({
        path: [...path],
        message: 'must be a plain object',
        code: 'invalid_type',
        received: 'object',
      });
    } else {
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue; // dropped, as JSON.stringify does
        path.push(key);
        check(item, path, issues);
        path.pop();
      }
    }
  }
}

/**
 * Validates that `value` is JSON (finite numbers, plain objects, no `Secret`, no
 * cycles, at most 1 MiB) and serialises it. Throws `InvalidInputError` listing the
 * offending paths (never the values).
 *
 * @example
 * ```ts
 * const text = toJsonText({ status: 'revoked', verified: true }, 'outcome');
 * ```
 */
export function toJsonText(value: unknown, what: string): string {
  const issues: ValidationIssue[] = [];
  if (value === undefined) issues.push({ path: [], message: 'is required', code: 'invalid_type' });
  else check(value, [], issues);
  if (issues.length === 0) {
    const text = JSON.stringify(value);
    if (text.length * 3 <= MAX_JSON_BYTES || Buffer.byteLength(text) <= MAX_JSON_BYTES) return text;
    issues.push({ path: [], message: `must serialise to at most ${MAX_JSON_BYTES} bytes`, code: 'too_big' });
  }
  throw new InvalidInputError(`The ${what} must be JSON without secrets:\n${formatIssues(issues)}`, {
    issues: issues.map((i) => ({ ...i, path: [what, ...i.path] })),
  });
}
