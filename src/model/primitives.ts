import { z } from 'zod';
import { LIMITS } from './limits';

/** Object keys that could pollute prototypes; rejected everywhere in the model. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * An identifier: non-empty, at most {@link LIMITS.id} characters.
 *
 * @example
 * ```ts
 * Id.parse('svc-ci'); // 'svc-ci'
 * ```
 */
export const Id = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.id, `must be at most ${LIMITS.id} characters`);

/** A human-readable name or label, at most {@link LIMITS.name} characters. */
export const Name = z.string().max(LIMITS.name, `must be at most ${LIMITS.name} characters`);

/** Free text (reasons, descriptions), at most {@link LIMITS.text} characters. */
export const Text = z.string().max(LIMITS.text, `must be at most ${LIMITS.text} characters`);

/** An ISO-8601 timestamp with offset, e.g. `2026-11-26T06:00:00Z`. */
export const Timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' });

/** A map key: not empty, not a prototype key. */
export const SafeKey = Id.refine((key) => !FORBIDDEN_KEYS.has(key), {
  message: 'is a forbidden key (__proto__, constructor and prototype are rejected)',
});

function hasForbiddenOwnKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const key of FORBIDDEN_KEYS) if (Object.hasOwn(value, key)) return true;
  return false;
}

/**
 * A string-keyed map whose keys are checked by {@link SafeKey}. Zod silently
 * drops a `__proto__` key from records; this rejects it instead, so a payload
 * that tries prototype pollution is reported, not half-accepted.
 *
 * @example
 * ```ts
 * safeRecord(Id).safeParse(JSON.parse('{"__proto__":"x"}')).success; // false
 * ```
 */
export function safeRecord<V extends z.ZodType>(
  value: V,
): z.ZodType<Record<string, z.output<V>>, Record<string, z.input<V>>> {
  const guarded = z
    .unknown()
    .check((ctx) => {
      if (hasForbiddenOwnKey(ctx.value)) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          message: 'has a forbidden key (__proto__, constructor and prototype are rejected)',
        });
      }
    })
    .pipe(z.record(SafeKey, value));
  // The pre-check only narrows; present the record's own input type to callers.
  return guarded as unknown as z.ZodType<Record<string, z.output<V>>, Record<string, z.input<V>>>;
}

/**
 * Free-form scalar attributes carried by model objects (at most
 * {@link LIMITS.attributes} entries; keys checked by {@link SafeKey}).
 */
export const Attributes = safeRecord(z.union([Text, z.number(), z.boolean(), z.null()])).refine(
  (record) => Object.keys(record).length <= LIMITS.attributes,
  {
    message: `must have at most ${LIMITS.attributes} entries`,
  },
);

/** A bounded list of short strings (scopes, tags). */
export const NameList = z.array(Name).max(LIMITS.listItems, `must have at most ${LIMITS.listItems} items`);

/**
 * A strict object schema: unknown keys, including `__proto__` and `constructor`,
 * are rejected with the key named in the message.
 *
 * @example
 * ```ts
 * const Point = modelObject({ x: z.number() });
 * Point.safeParse(JSON.parse('{"x":1,"__proto__":{}}')).success; // false
 * ```
 */
export function modelObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape);
}
