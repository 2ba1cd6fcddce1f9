import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { defaultRedactor, type Redactor } from '../audit/createRedactor';
import { isLifelineError } from '../errors';

/** Attribute input: scalar values; `undefined` entries are skipped. */
export type AttributeInput = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Returns span or metric attributes with secret-named keys dropped and string
 * values scrubbed by the redactor, so no secret reaches an exporter.
 *
 * @example
 * ```ts
 * span.setAttributes(safeAttributes({ 'lifeline.tenant': tenant, note }));
 * ```
 */
export function safeAttributes(input: AttributeInput, redactor: Redactor = defaultRedactor): Attributes {
  const out: Attributes = {};
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (value === undefined || redactor.isSecretKey(key)) continue;
    out[key] = (typeof value === 'string' ? redactor.redactString(value) : value) satisfies AttributeValue;
  }
  return out;
}

/**
 * The `error.type` value for an error: the Lifeline error code, else the
 * error's name, else `_OTHER` (per the semantic conventions).
 *
 * @example
 * ```ts
 * errorType(new RateLimitedError()); // 'rate_limited'
 * ```
 */
export function errorType(error: unknown): string {
  if (isLifelineError(error)) return error.code;
  if (error instanceof Error && error.name !== 'Error') return error.name;
  return '_OTHER';
}
