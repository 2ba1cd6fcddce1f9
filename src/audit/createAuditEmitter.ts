import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { type Logger, noopLogger } from '../connector/Logger';
import { InvalidInputError, issuesFromZod, type ValidationIssue } from '../errors';
import { recordAuditDeadLettered, recordAuditDropped, recordAuditSinkFailure } from '../telemetry/metrics';
import { PACKAGE_NAME, VERSION } from '../version';
import { AUDIT_SCHEMA_VERSION, AuditEvent, type AuditEventInput, type AuditSource } from './AuditEvent';
import type { AuditSink, DeadLetterReason } from './AuditSink';
import { defaultRedactor, type Redactor } from './createRedactor';
import { type QueuedEvent, SinkWorker } from './SinkWorker';

/** Options of {@link createAuditEmitter}. */
export interface AuditEmitterOptions {
  /** Where events go; each gets its own bounded queue. */
  readonly sinks: readonly AuditSink[];
  /** The redactor run on every event before validation; `false` turns redaction off (not advised). Default {@link defaultRedactor}. */
  readonly redact?: Redactor | false;
  /** Per-sink queue bound; a full queue sends new events to the dead-letter sink. Default 10,000. */
  readonly queueSize?: number;
  /** Receives events a sink could not take (failed after retries, timed out, overflowed, closed). */
  readonly deadLetter?: AuditSink;
  /** Bound of the dead-letter queue. Default `queueSize` × number of sinks. */
  readonly deadLetterQueueSize?: number;
  /** Retries of a failed delivery with exponential backoff and jitter. Default 3 retries, 100 ms to 10 s, factor 2. */
  readonly retry?: {
    readonly retries?: number;
    readonly minDelayMs?: number;
    readonly maxDelayMs?: number;
    readonly factor?: number;
  };
  /** Longest one delivery may take before it counts as failed (a hanging sink). Default 5,000 ms. */
  readonly deliveryTimeoutMs?: number;
  /** Most events per delivery. Default 256. */
  readonly batchSize?: number;
  /** How long `close()` waits for queues to drain before giving the rest up. Default 10,000 ms. */
  readonly closeTimeoutMs?: number;
  /** Overrides of the `source` recorded in every event (defaults: product, version, host, pid). */
  readonly source?: Partial<AuditSource>;
  /** Where problems are logged (rejected events, dropped events). Default no-op. */
  readonly logger?: Logger;
  /** Clock (tests). */
  readonly now?: () => Date;
}

const Options = z.strictObject({
  sinks: z.array(z.custom<AuditSink>(isSink, 'must be an AuditSink ({ name, write })')).max(64),
  redact: z
    .union([z.literal(false), z.custom<Redactor>((v) => typeof (v as Redactor)?.redact === 'function')])
    .optional(),
  queueSize: z.int().min(1).max(10_000_000).optional(),
  deadLetter: z.custom<AuditSink>(isSink, 'must be an AuditSink ({ name, write })').optional(),
  deadLetterQueueSize: z.int().min(1).max(100_000_000).optional(),
  retry: z
    .strictObject({
      retries: z.int().min(0).max(100).optional(),
      minDelayMs: z.number().min(0).max(3_600_000).optional(),
      maxDelayMs: z.number().min(0).max(3_600_000).optional(),
      factor: z.number().min(1).max(10).optional(),
    })
    .optional(),
  deliveryTimeoutMs: z.int().min(1).max(3_600_000).optional(),
  batchSize: z.int().min(1).max(100_000).optional(),
  closeTimeoutMs: z.int().min(0).max(3_600_000).optional(),
  source: z.record(z.string(), z.unknown()).optional(),
  logger: z.custom<Logger>((v) => typeof (v as Logger)?.warn === 'function', 'must be a Logger').optional(),
  now: z.custom<() => Date>((v) => typeof v === 'function').optional(),
});

function isSink(value: unknown): value is AuditSink {
  const sink = value as AuditSink;
  return (
    typeof sink === 'object' &&
    sink !== null &&
    typeof sink.name === 'string' &&
    typeof sink.write === 'function'
  );
}

/** Per-sink counters in {@link AuditEmitterStats}. */
export interface AuditSinkStats {
  readonly delivered: number;
  readonly failedAttempts: number;
  readonly retries: number;
  readonly deadLettered: number;
  readonly queued: number;
}

/**
 * Counters of an emitter. `dropped` counts events that reached neither their
 * sink nor the dead-letter sink; it is zero unless something is badly wrong,
 * and every drop is also reported (telemetry, logger, `onProblem`).
 */
export interface AuditEmitterStats {
  /** Events accepted by `emit`. */
  readonly emitted: number;
  /** Inputs that failed validation (never delivered). */
  readonly rejected: number;
  /** Event copies handed to the dead-letter sink. */
  readonly deadLettered: number;
  /** Event copies lost (no dead-letter sink, or it failed or overflowed too). */
  readonly dropped: number;
  readonly sinks: Readonly<Record<string, AuditSinkStats>>;
  readonly deadLetter?: AuditSinkStats;
}

/** A problem the emitter reports to `onProblem` listeners. */
export type AuditProblem =
  | { readonly kind: 'rejected'; readonly issues: readonly ValidationIssue[] }
  | { readonly kind: 'sink_failed'; readonly sink: string; readonly errorCode: string }
  | {
      readonly kind: 'dead_lettered';
      readonly sink: string;
      readonly count: number;
      readonly reason: DeadLetterReason;
    }
  | { readonly kind: 'dropped'; readonly sink?: string; readonly count: number; readonly reason: string };

/** The audit emitter. */
export interface AuditEmitter {
  /**
   * Redacts, validates, numbers and enqueues an event for every sink. Never
   * blocks and never throws: returns the recorded event, or `undefined` when
   * the input was invalid or the emitter is closed (both counted and reported).
   */
  emit(input: AuditEventInput): AuditEvent | undefined;
  /** Resolves when every queue (and the dead-letter queue) is empty and sinks have flushed. */
  flush(options?: { readonly signal?: AbortSignal }): Promise<void>;
  /**
   * Stops accepting events, stops waiting between retries, drains the queues for
   * at most `closeTimeoutMs` (or until `signal` aborts), gives the rest up to
   * the dead-letter sink, and closes the sinks.
   */
  close(options?: { readonly signal?: AbortSignal }): Promise<void>;
  /** Counters; see {@link AuditEmitterStats}. */
  stats(): AuditEmitterStats;
  /** Subscribes to problems (rejections, sink failures, dead letters, drops); returns an unsubscribe function. */
  onProblem(listener: (problem: AuditProblem) => void): () => void;
}

/**
 * Creates the audit emitter: one bounded queue per sink, so a slow, failing or
 * hanging sink never slows the revocation that emits (a hang costs at most
 * `deliveryTimeoutMs` per delivery, in the background). Failed deliveries are
 * retried with backoff, then handed to the dead-letter sink; nothing is lost
 * silently.
 *
 * @example
 * ```ts
 * const audit = createAuditEmitter({
 *   sinks: [jsonlSink('audit.jsonl'), otelLogSink()],
 *   deadLetter: jsonlSink('audit.dead-letter.jsonl', { name: 'dead-letter' }),
 * });
 * audit.emit({ type: 'run.started', runId, lifecycleEvent, actor });
 * await audit.close();
 * ```
 */
export function createAuditEmitter(options: AuditEmitterOptions): AuditEmitter {
  const parsed = Options.safeParse(options);
  if (!parsed.success) {
    throw new InvalidInputError('createAuditEmitter options are invalid.', {
      issues: issuesFromZod(parsed.error),
    });
  }
  const names = new Set<string>();
  for (const sink of options.sinks) {
    if (names.has(sink.name)) {
      throw new InvalidInputError(
        `Two audit sinks are named "${sink.name}"; give each sink a distinct name.`,
        {
          issues: [{ path: ['sinks'], message: `duplicate sink name ${sink.name}` }],
        },
      );
    }
    names.add(sink.name);
  }
  const redactor = options.redact === false ? undefined : (options.redact ?? defaultRedactor);
  const logger = options.logger ?? noopLogger;
  const now = options.now ?? (() => new Date());
  const queueSize = options.queueSize ?? 10_000;
  const batchSize = options.batchSize ?? 256;
  const timeoutMs = options.deliveryTimeoutMs ?? 5_000;
  const retry = {
    retries: options.retry?.retries ?? 3,
    minDelayMs: options.retry?.minDelayMs ?? 100,
    maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
    factor: options.retry?.factor ?? 2,
  };
  const source: AuditSource = {
    product: PACKAGE_NAME,
    version: VERSION,
    host: hostname(),
    pid: process.pid,
    ...options.source,
  } as AuditSource;
  const listeners = new Set<(problem: AuditProblem) => void>();
  const deadLetteredBySink = new Map<string, number>();
  let emitted = 0;
  let rejected = 0;
  let deadLettered = 0;
  let dropped = 0;
  let sequence = 0;
  let closed = false;
  let closing: Promise<void> | undefined;

  function report(problem: AuditProblem): void {
    for (const listener of listeners) {
      try {
        listener(problem);
      } catch {
        // A listener must not break the emitter.
      }
    }
  }

  function drop(count: number, reason: string, sink?: string): void {
    dropped += count;
    recordAuditDropped(count, reason, sink);
    logger.error('Audit events were dropped.', { count, reason, sink });
    report(
      sink === undefined ? { kind: 'dropped', count, reason } : { kind: 'dropped', count, reason, sink },
    );
  }

  const deadLetterWorker =
    options.deadLetter === undefined
      ? undefined
      : new SinkWorker(
          options.deadLetter,
          options.deadLetterQueueSize ?? queueSize * Math.max(1, options.sinks.length),
          batchSize,
          timeoutMs,
          retry,
          {
            delivered: () => {},
            failedAttempt: (errorCode) => {
              recordAuditSinkFailure(options.deadLetter?.name ?? 'dead-letter', errorCode);
              report({ kind: 'sink_failed', sink: options.deadLetter?.name ?? 'dead-letter', errorCode });
            },
            gaveUp: (items, reason) => drop(items.length, `dead_letter_${reason}`, options.deadLetter?.name),
          },
        );

  function toDeadLetter(
    items: readonly QueuedEvent[],
    sink: string,
    reason: DeadLetterReason,
    errorCode?: string,
  ) {
    if (items.length === 0) return;
    deadLetteredBySink.set(sink, (deadLetteredBySink.get(sink) ?? 0) + items.length);
    if (deadLetterWorker === undefined) {
      drop(items.length, reason, sink);
      return;
    }
    const info = errorCode === undefined ? { sink, reason } : { sink, reason, errorCode };
    let accepted = 0;
    for (const item of items) {
      if (deadLetterWorker.offer({ event: item.event, info })) accepted++;
    }
    deadLettered += accepted;
    recordAuditDeadLettered(accepted, sink, reason);
    if (accepted > 0) {
      logger.warn('Audit events were sent to the dead-letter sink.', {
        sink,
        reason,
        count: accepted,
        errorCode,
      });
      report({ kind: 'dead_lettered', sink, count: accepted, reason });
    }
    if (accepted < items.length) drop(items.length - accepted, 'dead_letter_overflow', sink);
  }

  const workers = options.sinks.map(
    (sink) =>
      new SinkWorker(sink, queueSize, batchSize, timeoutMs, retry, {
        delivered: () => {},
        failedAttempt: (errorCode) => {
          recordAuditSinkFailure(sink.name, errorCode);
          report({ kind: 'sink_failed', sink: sink.name, errorCode });
        },
        gaveUp: (items, reason, errorCode) => toDeadLetter(items, sink.name, reason, errorCode),
      }),
  );

  function emit(input: AuditEventInput): AuditEvent | undefined {
    try {
      if (closed) {
        drop(workers.length, 'closed');
        return undefined;
      }
      const clean = (redactor ? redactor.redact(input) : input) as Record<string, unknown>;
      const candidate = {
        schemaVersion: AUDIT_SCHEMA_VERSION,
        time: now().toISOString(),
        source,
        ...clean,
        id: typeof clean.id === 'string' ? clean.id : randomUUID(),
        sequence,
      };
      const result = AuditEvent.safeParse(candidate);
      if (!result.success) {
        rejected++;
        const issues = issuesFromZod(result.error);
        logger.warn('An audit event was rejected as invalid.', { issues });
        recordAuditDropped(1, 'invalid');
        report({ kind: 'rejected', issues });
        return undefined;
      }
      const event = result.data;
      sequence++;
      emitted++;
      for (const worker of workers) {
        if (!worker.offer({ event })) toDeadLetter([{ event }], worker.sink.name, 'overflow');
      }
      return event;
    } catch (error) {
      rejected++;
      logger.error('An audit event could not be processed.', {
        error: defaultRedactor.redactString(error instanceof Error ? error.message : String(error)),
      });
      report({ kind: 'rejected', issues: [{ path: [], message: 'the event could not be processed' }] });
      return undefined;
    }
  }

  async function drain(): Promise<void> {
    // Sink workers can feed the dead-letter worker; loop until all are idle at once.
    for (;;) {
      await Promise.all(workers.map((worker) => worker.whenIdle()));
      await deadLetterWorker?.whenIdle();
      if (workers.every((worker) => worker.idle) && (deadLetterWorker?.idle ?? true)) return;
    }
  }

  function abortable(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
    if (signal === undefined) return promise;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async function flush(flushOptions: { readonly signal?: AbortSignal } = {}): Promise<void> {
    await abortable(drain(), flushOptions.signal);
    const all = [...workers.map((w) => w.sink), ...(options.deadLetter ? [options.deadLetter] : [])];
    await abortable(
      Promise.all(all.map((sink) => sink.flush?.().catch(() => {}))).then(() => {}),
      flushOptions.signal,
    );
  }

  async function doClose(signal: AbortSignal | undefined): Promise<void> {
    closed = true;
    for (const worker of workers) worker.beginClose();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), options.closeTimeoutMs ?? 10_000);
    timer.unref?.();
    const stop = signal === undefined ? deadline.signal : AbortSignal.any([deadline.signal, signal]);
    let abandoned = false;
    try {
      await abortable(
        Promise.all(workers.map((worker) => worker.whenIdle())).then(() => {}),
        stop,
      );
    } catch {
      abandoned = true;
      // Abort deliveries in flight; their events and the queued ones go to the dead letter.
      for (const worker of workers) worker.abandon();
      await Promise.all(workers.map((worker) => worker.whenIdle()));
    }
    if (deadLetterWorker !== undefined) {
      deadLetterWorker.beginClose();
      // After a missed deadline the dead letter still gets a short grace to take what was handed to it.
      const grace = new AbortController();
      const graceTimer = setTimeout(() => grace.abort(), Math.min(timeoutMs, 1_000));
      graceTimer.unref?.();
      try {
        await abortable(deadLetterWorker.whenIdle(), abandoned ? grace.signal : stop);
      } catch {
        deadLetterWorker.abandon();
      } finally {
        clearTimeout(graceTimer);
      }
    }
    clearTimeout(timer);
    await Promise.all(workers.map((worker) => worker.sink.close?.().catch(() => {})));
    await options.deadLetter?.close?.().catch(() => {});
  }

  function sinkStats(worker: SinkWorker): AuditSinkStats {
    return {
      delivered: worker.counters.delivered,
      failedAttempts: worker.counters.failedAttempts,
      retries: worker.counters.retries,
      deadLettered: deadLetteredBySink.get(worker.sink.name) ?? 0,
      queued: worker.queued,
    };
  }

  return {
    emit,
    flush,
    close(closeOptions = {}) {
      closing ??= doClose(closeOptions.signal);
      return closing;
    },
    stats() {
      const sinks: Record<string, AuditSinkStats> = {};
      for (const worker of workers) sinks[worker.sink.name] = sinkStats(worker);
      return {
        emitted,
        rejected,
        deadLettered,
        dropped,
        sinks,
        ...(deadLetterWorker ? { deadLetter: sinkStats(deadLetterWorker) } : {}),
      };
    },
    onProblem(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
