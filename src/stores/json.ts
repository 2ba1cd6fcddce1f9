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
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value))
        issues.push({ path: [...path], message: 'must be a finite number', code: 'invalid_type' });
      return;
    case 'object':
      if (value === null) return;
      break;
    default:
      issues.push({
        path: [...path],
        message: `${typeof value} is not JSON`,
        code: 'invalid_type',
        received: typeof value,
      });
      return;
  }
  // Arrays and plain objects first: a Secret is a class instance, so it is never one of them.
  const isArray = Array.isArray(value);
  const proto = isArray ? Array.prototype : Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && !isArray) {
    issues.push(
      isSecret(value)
        ? { path: [...path], message: 'secrets are never stored', code: 'invalid_type', received: 'Secret' }
        : { path: [...path], message: 'must be a plain object', code: 'invalid_type', received: 'object' },
    );
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
  if (isArray) {
    const array = value as readonly unknown[];
    for (let i = 0; i < array.length; i++) {
      path.push(i);
      check(array[i], path, issues);
      path.pop();
    }
    return;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue; // dropped, as JSON.stringify does
    path.push(key);
    check(item, path, issues);
    path.pop();
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

/** Sentinel thrown inside {@link frozenCopy} when a value is not plain JSON. */
const NOT_JSON = Symbol('not JSON');

/**
 * A deep-frozen copy of plain JSON; `size` accumulates an upper bound of its
 * serialised length in UTF-16 units. Throws {@link NOT_JSON} on anything
 * {@link toJsonText} would reject, so that it can word the error.
 */
function frozenCopy(value: unknown, depth: number, size: { n: number }): JsonValue {
  switch (typeof value) {
    case 'string':
      size.n += value.length + 2;
      return value;
    case 'boolean':
      size.n += 5;
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw NOT_JSON;
      size.n += 24;
      return value;
    case 'object':
      if (value === null) {
        size.n += 4;
        return null;
      }
      break;
    default:
      throw NOT_JSON;
  }
  if (depth >= MAX_DEPTH) throw NOT_JSON;
  if (Array.isArray(value)) {
    const out: JsonValue[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = frozenCopy(value[i], depth + 1, size);
    size.n += value.length + 2;
    return Object.freeze(out);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw NOT_JSON;
  const out: Record<string, JsonValue> = {};
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    size.n += key.length + 4;
    const copy = frozenCopy(item, depth + 1, size);
    // An own "__proto__" key (JSON.parse makes them) must stay a key, not become the prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
    else out[key] = copy;
  }
  size.n += 2;
  return Object.freeze(out);
}

/**
 * Validates `value` by the same rules as {@link toJsonText} (finite numbers,
 * plain objects, no `Secret`, no cycles, at most 1 MiB serialised) and returns a
 * deep-frozen copy instead of text: what an in-process store keeps, skipping a
 * `JSON.stringify` on write and a `JSON.parse` on read. Throws the same
 * `InvalidInputError` as {@link toJsonText}.
 *
 * @example
 * ```ts
 * const kept = toFrozenJson({ status: 'revoked', verified: true }, 'outcome');
 * Object.isFrozen(kept); // true
 * ```
 */
export function toFrozenJson(value: unknown, what: string): JsonValue {
  const size = { n: 0 };
  let copy: JsonValue;
  try {
    copy = frozenCopy(value, 0, size);
  } catch (error) {
    if (error !== NOT_JSON) throw error;
    toJsonText(value, what); // throws the worded error
    throw error; // unreachable: toJsonText rejects whatever frozenCopy rejects
  }
  // A UTF-16 unit serialises to at most 6 bytes (a \u escape): exact check only near the limit.
  if (size.n * 6 > MAX_JSON_BYTES) toJsonText(copy, what);
  return copy;
}
