import { readFile, stat } from 'node:fs/promises';
import { InvalidInputError } from '../../errors';
import { FORBIDDEN_KEYS } from '../../model';
import { type Contract, parseContract } from './Contract';

/** Largest contract file read, in bytes (16 MiB). */
export const MAX_CONTRACT_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads and validates a contract file. A missing or oversize file, invalid
 * JSON, a prototype key, or a document that is not a contract throws
 * `InvalidInputError` (with the offending paths in `issues`).
 *
 * @example
 * ```ts
 * const baseline = await loadContract('contracts/acme.json');
 * ```
 */
export async function loadContract(
  file: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<Contract> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_CONTRACT_FILE_BYTES) {
      throw new InvalidInputError(
        `Contract file ${file} is ${info.size} bytes; the limit is ${MAX_CONTRACT_FILE_BYTES}.`,
      );
    }
    text = await readFile(file, { encoding: 'utf8', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    const reason = (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message ?? 'unreadable';
    throw new InvalidInputError(`Cannot read contract file ${file} (${reason}).`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text, (key, child: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new InvalidInputError(`Contract file ${file} contains a forbidden key "${key}".`, {
          issues: [{ path: [key], message: 'is a forbidden key' }],
        });
      }
      return child;
    });
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`Contract file ${file} is not valid JSON.`, { cause: error });
  }
  return parseContract(value, `file ${file}`);
}
