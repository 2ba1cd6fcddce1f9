/**
 * Whether `error` (or one of its causes) says that the package `name` could not
 * be found: how an optional peer dependency (better-sqlite3, yaml) that is not
 * installed shows up, as opposed to one that is installed but fails to load.
 *
 * @example
 * ```ts
 * try { await import('yaml'); } catch (error) { if (isModuleMissing(error, 'yaml')) hint('npm install yaml@2'); }
 * ```
 */
export function isModuleMissing(error: unknown, name: string): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
    if (typeof message === 'string' && message.startsWith('Cannot find') && missingName(message) === name)
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The package a "Cannot find package 'x'" / "Cannot find module 'x'" message names. */
function missingName(message: string): string | undefined {
  return /^Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
}
