/**
 * Returns a URL fit for logs and errors: no query string, fragment, user or
 * password (any of which may hold a secret). Unparseable input becomes `undefined`.
 *
 * @example
 * ```ts
 * sanitizeUrl('https://u:p@api.acme.test/keys?token=x'); // 'https://api.acme.test/keys'
 * ```
 */
export function sanitizeUrl(url: string | URL | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(String(url));
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}
