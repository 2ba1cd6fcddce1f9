import { abortError } from './abortError';
import { markLocal } from './localRejection';

/**
 * Waits `ms`, rejecting at once with {@link abortError} (marked local, so the
 * breaker ignores it) when `signal` aborts.
 * The timer stays referenced: someone awaits it, so it must keep the process
 * alive (it is always cleared on abort). A listener is added only when a
 * signal exists.
 *
 * @example
 * ```ts
 * await sleep(250, signal, 'credential.revoke');
 * ```
 */
export function sleep(ms: number, signal: AbortSignal | undefined, operation: string): Promise<void> {
  if (signal === undefined) return new Promise((resolve) => setTimeout(resolve, ms));
  if (signal.aborted) return Promise.reject(markLocal(abortError(signal, operation)));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(markLocal(abortError(signal, operation)));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
