import { InvalidInputError } from '../errors';

/**
 * Serializes `value` per RFC 8785 (JSON Canonicalization Scheme): object keys
 * sorted by UTF-16 code units, no whitespace, numbers and strings formatted as
 * ECMAScript `JSON.stringify` does. `undefined` object members are omitted.
 * Throws `InvalidInputError` on non-finite numbers, bigints and cycles.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, 'x'] }); // '{"a":[true,"x"],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(value: unknown, stack: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidInputError('canonicalJson: numbers must be finite.');
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new InvalidInputError(`canonicalJson: cannot serialize a ${typeof value}.`);
  }
  const object = value as object;
  if (stack.has(object)) throw new InvalidInputError('canonicalJson: the value contains a cycle.');
  const toJSON = (object as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === 'function') return write(toJSON.call(object), stack);
  stack.add(object);
  let out: string;
  if (Array.isArray(object)) {
    out = `[${object.map((item) => (item === undefined ? 'null' : write(item, stack))).join(',')}]`;
  } else {
    const record = object as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${write(item, stack)}`);
    }
    out = `{${parts.join(',')}}`;
  }
  stack.delete(object);
  return out;
}
