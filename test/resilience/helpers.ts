import { vi } from 'vitest';
import type { ExecuteOptions } from '../../src/resilience';

/** Options of an idempotent call. */
export const idempotent: ExecuteOptions = { idempotent: true, operation: 'credential.revoke' };
/** Options of a non-idempotent call. */
export const nonIdempotent: ExecuteOptions = { idempotent: false, operation: 'credential.rotate' };

/** Fakes the timers and clock the policies use. */
export function useFakeClock(start = Date.UTC(2026, 0, 1, 12, 0, 0)): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(start);
}

/** A promise's outcome, observable without awaiting it. */
export interface Observed<T> {
  settled: boolean;
  value?: T;
  error?: unknown;
}

/** Observes `promise` (and marks its rejection handled). */
export function observe<T>(promise: Promise<T>): Observed<T> {
  const state: Observed<T> = { settled: false };
  promise.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

/** A function failing with the given errors in turn, then resolving `done`; records call times. */
export function scripted(...failures: unknown[]): { fn: () => Promise<string>; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    fn: async () => {
      calls.push(Date.now());
      const failure = failures[calls.length - 1];
      if (failure !== undefined) throw failure;
      return 'done';
    },
  };
}

/** A promise that the test resolves or rejects by hand. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
