import type { AuditEvent } from './AuditEvent';

/** Why events were handed to the dead-letter sink. */
export type DeadLetterReason = 'failed' | 'timeout' | 'overflow' | 'closed';

/** Set on writes to a dead-letter sink: where the events were headed and why they did not get there. */
export interface DeadLetterInfo {
  /** The sink that could not take them. */
  readonly sink: string;
  readonly reason: DeadLetterReason;
  /** The Lifeline error code of the last failure, when there was one. */
  readonly errorCode?: string;
}

/** What a sink receives with each batch. */
export interface SinkWriteContext {
  /** Aborted when the delivery times out or the emitter closes; stop work and reject. */
  readonly signal: AbortSignal;
  /** Present when this sink is used as the dead-letter sink. */
  readonly deadLetter?: DeadLetterInfo;
}

/**
 * Where audit events go. The emitter calls `write` with ordered batches, one
 * batch at a time per sink, with a timeout; a rejected or timed-out write is
 * retried with backoff and then dead-lettered, so a sink may see a batch again
 * (delivery is at least once; `event.id` deduplicates). Events arrive already
 * validated and redacted.
 *
 * @example
 * ```ts
 * const httpSink: AuditSink = {
 *   name: 'siem',
 *   async write(events, { signal }) {
 *     await fetch(url, { method: 'POST', body: JSON.stringify(events), signal });
 *   },
 * };
 * ```
 */
export interface AuditSink {
  /** A stable name for stats, telemetry and dead-letter records. */
  readonly name: string;
  /** Persists or forwards the batch; resolves when done, rejects to have it retried. */
  write(events: readonly AuditEvent[], context: SinkWriteContext): Promise<void> | void;
  /** Makes earlier writes durable (e.g. fsync). */
  flush?(): Promise<void>;
  /** Releases resources; called once by `emitter.close()`. */
  close?(): Promise<void>;
}
