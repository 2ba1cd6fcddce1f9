import { type ErrorContext, SchemaDriftError } from '../errors';
import type { Adapter } from './defineAdapter';

/**
 * Checks the API version a target states in a response header against the
 * active adapter. A mismatch is `schema_drift` — before the status or body is
 * trusted — with `version_mismatch` and the matching adapter's version when the
 * connector knows it, so a moved endpoint answering 404/410 under a new version
 * is never mistaken for "already revoked".
 *
 * @example
 * ```ts
 * checkVersionHeader(response.headers, 'x-api-version', v1, [v2, v1]); // throws when the target says v2
 * ```
 */
export function checkVersionHeader(
  headers: Headers,
  header: string,
  active: Adapter,
  adapters: readonly Adapter[],
  context: ErrorContext = {},
): void {
  const stated = headers.get(header);
  if (stated === null || stated === active.version) return;
  const probe = { version: stated, headers };
  if (active.matches(probe)) return;
  const known = adapters.find((adapter) => adapter.matches(probe));
  const safeVersion = stated.slice(0, 64).replace(/[^\w.-]/g, '?');
  throw new SchemaDriftError(
    `The target answered with API version ${safeVersion} (header ${header}) but adapter ${active.version} is active; ${
      known
        ? `adapter ${known.version} speaks it (version mismatch)`
        : 'no adapter speaks it (unknown version)'
    }.`,
    {
      adapterVersion: active.version,
      changes: [{ path: `header:${header}`, kind: 'invalid', expected: active.version, received: 'string' }],
      hint: known ? 'version_mismatch' : 'unknown_shape',
      ...(known ? { suggestedVersion: known.version } : {}),
      context,
    },
  );
}
