import { z } from 'zod';
import { TimeoutError } from '../errors';
import { LIMITS } from '../model';

/** Schemas shared by every store for keys, owners, statuses and durations. */
export const Key = z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters');
export const Fingerprint = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.fingerprint, `must be at most ${LIMITS.fingerprint} characters`);
export const Owner = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.name, `must be at most ${LIMITS.name} characters`);
export const Id = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.id, `must be at most ${LIMITS.id} characters`);
export const Status = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
export const DurationMs = z
  .number()
  .int('must be an integer')
  .positive('must be positive')
  .max(2 ** 31 - 1, 'must be at most 2^31-1 ms');
export const PageLimit = z.number().int('must be an integer').min(1).max(1000, 'must be at most 1000');
export const Statuses = z.union([Status, z.array(Status).min(1).max(32)]);
export const Cursor = z.string().min(1).max(4096);
export const AbortSignalSchema = z.custom<AbortSignal>(
  (v) => v instanceof AbortSignal,
  'must be an AbortSignal',
);

/**
 * Throws a non-retryable `TimeoutError` when `signal` has been aborted.
 *
 * @example
 * ```ts
 * throwIfAborted(options.signal);
 * ```
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new TimeoutError('The store call was aborted by its caller.', {
      cause: signal.reason,
      retryable: false,
    });
  }
}
