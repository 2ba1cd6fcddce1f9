import type { SchemaDriftError } from '../errors';

/**
 * Remembers, for one attempt, responses whose version header disagreed with
 * the active adapter. A failed response is reported at once; a successful one
 * is held so that reading its body can add a field-level diff, and an attempt
 * that never reads it still fails closed when the handler returns.
 *
 * @example
 * ```ts
 * const mismatch = new VersionMismatch();
 * mismatch.hold(response, drift);
 * mismatch.take(response); // the drift, once
 * mismatch.unread();       // drift of any response not read
 * ```
 */
export class VersionMismatch {
  readonly #held = new Map<Response, SchemaDriftError>();

  /** Holds `drift` for a successful response until its body is read. */
  hold(response: Response, drift: SchemaDriftError): void {
    this.#held.set(response, drift);
  }

  /** The drift held for `response`, removed; undefined when it matched. */
  take(response: Response): SchemaDriftError | undefined {
    const drift = this.#held.get(response);
    if (drift !== undefined) this.#held.delete(response);
    return drift;
  }

  /** The drift of a response whose body was never read, if any. */
  unread(): SchemaDriftError | undefined {
    for (const drift of this.#held.values()) return drift;
    return undefined;
  }
}
