import type { AttemptContext, ExecuteOptions } from './ExecutionPolicy';

/**
 * One attempt's context that also carries its call's options. The built-in
 * policies hand it to the function they run, and `wrap` passes it on to the
 * next policy as that policy's options as it is: no copy per layer per attempt.
 * Anything else an attempt receives (a custom policy's own context) is copied
 * into options as before.
 *
 * @example
 * ```ts
 * const context = attemptOf({ idempotent: true, operation: 'credential.revoke' });
 * context.attempt; // 1
 * ```
 */
export class AttemptOptions implements AttemptContext, ExecuteOptions {
  readonly signal: AbortSignal | undefined;
  readonly attempt: number;
  readonly idempotent: boolean;
  readonly operation: string;
  readonly deadline: number | undefined;

  constructor(options: ExecuteOptions, signal: AbortSignal | undefined, attempt: number) {
    this.signal = signal;
    this.attempt = attempt;
    this.idempotent = options.idempotent;
    this.operation = options.operation;
    this.deadline = options.deadline;
  }
}

/**
 * `options` as the context of the attempt they describe (attempt 1 when unnumbered):
 * the same object when it already is one.
 *
 * @example
 * ```ts
 * return this.#run(fn, attemptOf(options));
 * ```
 */
export function attemptOf(options: ExecuteOptions): AttemptOptions {
  return options instanceof AttemptOptions
    ? options
    : new AttemptOptions(options, options.signal, options.attempt ?? 1);
}
