import { timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { z } from 'zod';
import { LIMITS } from './limits';

const BRAND = Symbol.for('lifeline.secret');
const REDACTED = '[secret]';

/**
 * A secret value (API key, token, password) that cannot leak by accident:
 * `String()`, `JSON.stringify`, template literals and `util.inspect` all print
 * `[secret]`. Call {@link Secret.reveal} at the one place the value is sent.
 *
 * @example
 * ```ts
 * const key = new Secret(process.env.ACME_KEY!);
 * `${key}`;                       // '[secret]'
 * headers.authorization = `Bearer ${key.reveal()}`;
 * ```
 */
export class Secret {
  readonly #value: string;
  /** Marks secrets across duplicate package copies. */
  readonly [BRAND] = true;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret value itself. Send it; never log it. */
  reveal(): string {
    return this.#value;
  }

  /** Whether both hold the same value (compared in constant time for equal lengths). */
  equals(other: Secret): boolean {
    const a = Buffer.from(this.#value);
    const b = Buffer.from(other.reveal());
    return a.length === b.length && timingSafeEqual(a, b);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

/**
 * True when `value` is a {@link Secret} from any copy of the package.
 *
 * @example
 * ```ts
 * if (isSecret(value)) value = '[secret]';
 * ```
 */
export function isSecret(value: unknown): value is Secret {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/** Wraps a string as a {@link Secret}; a Secret is returned as is. */
export function toSecret(value: string | Secret): Secret {
  return typeof value === 'string' ? new Secret(value) : value;
}

/** Metadata registry: schemas registered here hold secret values, which redaction removes. */
export const secretRegistry = z.registry<{ secret: true }>();

/**
 * A schema for a secret field: accepts a non-empty string or a {@link Secret}
 * and yields a `Secret`. Registered in {@link secretRegistry} so redaction can
 * find it by schema as well as by type.
 *
 * @example
 * ```ts
 * const Config = z.object({ baseUrl: z.url(), apiKey: secret() });
 * Config.parse({ baseUrl, apiKey: 'sk_live_…' }).apiKey; // Secret
 * ```
 */
export function secret() {
  const schema = z
    .union([
      z
        .string()
        .min(1, 'must not be empty')
        .max(LIMITS.secret, `must be at most ${LIMITS.secret} characters`),
      z.custom<Secret>(isSecret, { message: 'must be a string or a Secret' }),
    ])
    .transform(toSecret);
  secretRegistry.add(schema, { secret: true });
  return schema;
}
