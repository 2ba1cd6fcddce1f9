import { createHash } from 'node:crypto';

/** Deepest nesting walked; deeper payloads are rejected by `readJsonBody`. */
export const MAX_SHAPE_DEPTH = 64;
/** Array items sampled when describing an array's item shape. */
export const ARRAY_SAMPLE = 32;

/** The JSON type of a value, as shapes and drift reports name it. */
export type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'undefined' | 'other';

/**
 * Names the JSON type of `value` (never the value itself).
 *
 * @example
 * ```ts
 * jsonType([1]); // 'array'
 * ```
 */
export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
    case 'number':
    case 'string':
    case 'object':
    case 'undefined':
      return typeof value as JsonType;
    default:
      return 'other';
  }
}

/**
 * Describes the shape of a JSON value as sorted `path:type` entries, where
 * array items appear as `[]` and the shapes of the first {@link ARRAY_SAMPLE}
 * items are merged. Values never appear, only key paths and types.
 *
 * @example
 * ```ts
 * describeShape({ data: [{ key_id: 'k' }], next_page: null });
 * // ['data:array', 'data[].key_id:string', 'next_page:null']
 * ```
 */
export function describeShape(value: unknown): string[] {
  const entries = new Set<string>();
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length > 0) {
    const [current, path, depth] = stack.pop() as [unknown, string, number];
    const type = jsonType(current);
    if (path !== '') entries.add(`${path}:${type}`);
    if (depth >= MAX_SHAPE_DEPTH) continue;
    if (type === 'array') {
      const items = current as unknown[];
      const n = Math.min(items.length, ARRAY_SAMPLE);
      for (let i = 0; i < n; i++) stack.push([items[i], `${path}[]`, depth + 1]);
    } else if (type === 'object') {
      for (const key of Object.keys(current as object)) {
        stack.push([
          (current as Record<string, unknown>)[key],
          path === '' ? key : `${path}.${key}`,
          depth + 1,
        ]);
      }
    }
  }
  return [...entries].sort();
}

/**
 * A stable fingerprint of a payload's shape: SHA-256 over its sorted key paths
 * and types, first 16 hex digits. Equal for payloads of the same shape whatever
 * their values, so it is safe to log and to commit as a contract baseline.
 *
 * @example
 * ```ts
 * shapeFingerprint({ id: 'a' }) === shapeFingerprint({ id: 'b' }); // true
 * ```
 */
export function shapeFingerprint(value: unknown): string {
  return fingerprintOf(describeShape(value));
}

/** Fingerprint of an already described shape. */
export function fingerprintOf(shape: readonly string[]): string {
  return createHash('sha256').update(shape.join('\n')).digest('hex').slice(0, 16);
}
