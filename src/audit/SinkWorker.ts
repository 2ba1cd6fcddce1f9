import { isLifelineError, TimeoutError } from '../errors';
import type { AuditEvent } from './AuditEvent';
import type { AuditSink, DeadLetterInfo, DeadLetterReason } from './AuditSink';

/** One queued event, with the dead-letter info when queued for the dead-letter sink. */
export interface QueuedEvent {
  readonly event: AuditEvent;
  readonly info?: DeadLetterInfo;
}

/** Backoff settings of a worker. */
export interface RetrySettings {
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
}

/** What a worker reports to its emitter. */
export interface WorkerHooks {
  delivered(count: number): void;
  failedAttempt(errorCode: string): void;
  gaveUp(items: readonly QueuedEvent[], reason: DeadLetterReason, errorCode: string | undefined): void;
}

/** Internal counters of one worker. */
export interface WorkerCounters {
  delivered: number;
  failedAttempts: number;
  retries: number;
}

function codeOf(error: unknown): string {
  if (isLifelineError(error)) return error.code;
  return 'permanent';
}

function sameInfo(a: DeadLetterInfo | undefined, b: DeadLetterInfo | undefined): boolean {
  return a === b || (a?.sink === b?.sink && a?.reason === b?.reason && a?.errorCode === b?.errorCode);
}

/**
 * Delivers one sink's bounded queue in order, one batch at a time, with a
 * per-delivery timeout and retries with exponential backoff and jitter. A batch
 * that still fails is handed back through `hooks.gaveUp`. Internal to the emitter.
 */
export class SinkWorker {
  readonly counters: WorkerCounters = { delivered: 0, failedAttempts: 0, retries: 0 };
  #items: QueuedEvent[] = [];
  #head = 0;
  #running: Promise<void> | undefined;
  #current: AbortController | undefined;
  #closing = false;
  #backoff = new AbortController();

  constructor(
    readonly sink: AuditSink,
    private readonly capacity: number,
    private readonly batchSize: number,
    private readonly timeoutMs: number,
    private readonly retry: RetrySettings,
    private readonly hooks: WorkerHooks,
  ) {}

  /** Events waiting (not counting the batch in flight). */
  get queued(): number {
    return this.#items.length - this.#head;
  }

  /** Whether nothing is queued or in flight. */
  get idle(): boolean {
    return this.#running === undefined && this.queued === 0;
  }

  /** Enqueues an event; false when the queue is full. Never blocks. */
  offer(item: QueuedEvent): boolean {
    if (this.queued >= this.capacity) return false;
    this.#items.push(item);
    if (this.#running === undefined) this.#running = this.#pump();
    return true;
  }

  /** Resolves when the queue is empty and nothing is in flight. */
  async whenIdle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  /** Stops waiting between retries: failures go straight to `gaveUp`, and so does the rest of the queue. */
  beginClose(): void {
    this.#closing = true;
    this.#backoff.abort();
  }

  /** Aborts the delivery in flight and gives up everything queued (hard close). */
  abandon(): void {
    this.beginClose();
    this.#current?.abort(new TimeoutError('The audit emitter closed before this delivery finished.'));
    const rest = this.#take(Number.POSITIVE_INFINITY);
    if (rest.length > 0) this.hooks.gaveUp(rest, 'closed', undefined);
  }

  #take(max: number): QueuedEvent[] {
    const first = this.#items[this.#head];
    if (first === undefined) return [];
    const batch: QueuedEvent[] = [];
    while (batch.length < max && this.#head < this.#items.length) {
      const item = this.#items[this.#head] as QueuedEvent;
      if (!sameInfo(item.info, first.info)) break;
      batch.push(item);
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return batch;
  }

  async #pump(): Promise<void> {
    // Let the emitting caller return before the first delivery starts.
    await Promise.resolve();
    try {
      for (let batch = this.#take(this.batchSize); batch.length > 0; batch = this.#take(this.batchSize)) {
        await this.#deliver(batch);
      }
    } finally {
      this.#running = undefined;
      if (this.queued > 0) this.#running = this.#pump();
    }
  }

  async #deliver(batch: readonly QueuedEvent[]): Promise<void> {
    let lastCode: string | undefined;
    let timedOut = false;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#attempt(batch);
        this.counters.delivered += batch.length;
        this.hooks.delivered(batch.length);
        return;
      } catch (error) {
        timedOut = isLifelineError(error, 'timeout');
        lastCode = codeOf(error);
        this.counters.failedAttempts++;
        this.hooks.failedAttempt(lastCode);
      }
      if (this.#closing || attempt > this.retry.retries) break;
      this.counters.retries++;
      const base = Math.min(
        this.retry.maxDelayMs,
        this.retry.minDelayMs * this.retry.factor ** (attempt - 1),
      );
      const waited = await sleep(base * (0.5 + Math.random() / 2), this.#backoff.signal);
      if (!waited) break;
    }
    this.hooks.gaveUp(batch, timedOut ? 'timeout' : 'failed', lastCode);
    if (this.#closing) {
      const rest = this.#take(Number.POSITIVE_INFINITY);
      if (rest.length > 0) this.hooks.gaveUp(rest, 'closed', lastCode);
    }
  }

  async #attempt(batch: readonly QueuedEvent[]): Promise<void> {
    const controller = new AbortController();
    this.#current = controller;
    const timer = setTimeout(
      () =>
        controller.abort(
          new TimeoutError(`Audit sink "${this.sink.name}" did not finish within ${this.timeoutMs} ms.`),
        ),
      this.timeoutMs,
    );
    timer.unref?.();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(controller.signal.reason);
      controller.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const info = batch[0]?.info;
      const events = batch.map((item) => item.event);
      const write = Promise.resolve().then(() =>
        this.sink.write(
          events,
          info === undefined
            ? { signal: controller.signal }
            : { signal: controller.signal, deadLetter: info },
        ),
      );
      write.catch(() => {});
      await Promise.race([write, aborted]);
    } finally {
      clearTimeout(timer);
      if (onAbort) controller.signal.removeEventListener('abort', onAbort);
      aborted.catch(() => {});
      this.#current = undefined;
    }
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. The timer is unref'd. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    timer.unref?.();
    function onAbort() {
      clearTimeout(timer);
      resolve(false);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
