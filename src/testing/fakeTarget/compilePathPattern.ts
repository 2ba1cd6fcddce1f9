/**
 * A path pattern compiled once into segments, matched without regular expressions.
 *
 * @example
 * ```ts
 * const pattern: PathPattern = compilePathPattern('/groups/:id/members');
 * ```
 */
export interface PathPattern {
  /** Literal segments, or `null` for a one-segment wildcard (`*` or `:name`). */
  readonly segments: readonly (string | null)[];
  /** Whether the pattern ends in `**` (matches any rest, including nothing). */
  readonly rest: boolean;
}

/**
 * Compiles a path pattern such as `/accounts/:id/keys/*` or `/groups/**`.
 * `:name` and `*` match exactly one segment; a final `**` matches the rest.
 *
 * @example
 * ```ts
 * const pattern = compilePathPattern('/accounts/:id/keys/*');
 * matchPath(pattern, ['accounts', 'acc_1', 'keys', 'key_1']); // true
 * ```
 */
export function compilePathPattern(pattern: string): PathPattern {
  const parts = pattern.split('/').filter((part) => part !== '');
  const rest = parts[parts.length - 1] === '**';
  if (rest) parts.pop();
  return {
    segments: parts.map((part) => (part === '*' || part.startsWith(':') ? null : part)),
    rest,
  };
}

/**
 * Whether path segments (without empty ones) match a compiled pattern.
 *
 * @example
 * ```ts
 * matchPath(compilePathPattern('/groups/**'), ['groups', 'grp_1', 'members']); // true
 * ```
 */
export function matchPath(pattern: PathPattern, segments: readonly string[]): boolean {
  const expected = pattern.segments;
  if (pattern.rest ? segments.length < expected.length : segments.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const literal = expected[i];
    if (literal !== null && literal !== segments[i]) return false;
  }
  return true;
}
