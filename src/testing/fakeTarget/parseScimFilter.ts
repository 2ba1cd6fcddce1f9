/**
 * A parsed SCIM filter of the one form the fake target serves:
 * `attribute eq value` (RFC 7644 §3.4.2.2). `attribute` is lower-cased
 * (attribute names are case-insensitive); a string value is unescaped as the
 * JSON string it is.
 *
 * @example
 * ```ts
 * const filter: ScimEq = { attribute: 'username', value: 'svc-ci' };
 * ```
 */
export interface ScimEq {
  readonly attribute: string;
  readonly value: string | number | boolean | null;
}

const HEAD = /^\s*([A-Za-z][\w$-]*(?:\.[A-Za-z][\w$-]*)?)\s+eq\s+/i;

/**
 * Parses `attribute eq value`, where value is a JSON string literal (with
 * `\"`, `\\` and `\uXXXX` escapes), `true`, `false`, `null` or a number.
 * Returns an error message for anything else (other operators, `and`/`or`,
 * an unterminated literal, trailing input), which the caller answers with
 * 400 `invalidFilter`.
 *
 * @example
 * ```ts
 * parseScimFilter('userName eq "a\\"b"'); // { attribute: 'username', value: 'a"b' }
 * parseScimFilter('userName co "a"');     // 'The fake target only filters with "attribute eq value".'
 * ```
 */
export function parseScimFilter(filter: string): ScimEq | string {
  const head = HEAD.exec(filter);
  if (head === null) return 'The fake target only filters with "attribute eq value".';
  const attribute = (head[1] as string).toLowerCase();
  const rest = filter.slice(head[0].length).trimEnd();
  if (rest.startsWith('"')) {
    let i = 1;
    while (i < rest.length && rest[i] !== '"') i += rest[i] === '\\' ? 2 : 1;
    if (i >= rest.length) return 'The filter has an unterminated string literal.';
    if (i !== rest.length - 1)
      return 'The fake target only filters with "attribute eq value" (no and/or/not).';
    try {
      return { attribute, value: JSON.parse(rest) as string };
    } catch {
      return 'The filter has an invalid string literal.';
    }
  }
  if (rest === 'true' || rest === 'false') return { attribute, value: rest === 'true' };
  if (rest === 'null') return { attribute, value: null };
  const number = Number(rest);
  if (rest !== '' && Number.isFinite(number)) return { attribute, value: number };
  return 'The filter value must be a quoted string, true, false, null or a number.';
}
