import { InvalidInputError } from '../../errors';

/** Attribute paths accepted in filters: `userName`, `members.value`, `emails[type eq "work"]` is not built here. */
const ATTRIBUTE = /^(?:urn:[A-Za-z0-9:._-]+:)?[A-Za-z][A-Za-z0-9_$-]*(?:\.[A-Za-z][A-Za-z0-9_$-]*)?$/;

/**
 * Quotes a value as a SCIM filter string literal (RFC 7644 §3.4.2.2: a JSON
 * string), escaping `"`, `\` and control characters, so a value can never end
 * the literal and inject filter syntax.
 *
 * @example
 * ```ts
 * scimString('a" or userName pr or "'); // '"a\\" or userName pr or \\""'
 * ```
 */
export function scimString(value: string): string {
  return JSON.stringify(value);
}

/**
 * Builds `attribute eq "value"` with the value escaped by {@link scimString}.
 * The attribute must be a plain attribute path; anything else is `invalid_input`.
 *
 * @example
 * ```ts
 * scimEq('userName', 'svc-ci'); // 'userName eq "svc-ci"'
 * ```
 */
export function scimEq(attribute: string, value: string): string {
  if (!ATTRIBUTE.test(attribute)) {
    throw new InvalidInputError(
      `"${attribute.slice(0, 64)}" is not a SCIM attribute path usable in a filter.`,
      {
        mayHaveReachedServer: false,
      },
    );
  }
  return `${attribute} eq ${scimString(value)}`;
}

/**
 * Compares two `userName`s the way RFC 7643 declares the attribute
 * (`caseExact: false`): case-insensitively, after Unicode normalization.
 *
 * @example
 * ```ts
 * sameUserName('SVC-CI', 'svc-ci'); // true
 * ```
 */
export function sameUserName(a: string, b: string): boolean {
  return a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();
}
