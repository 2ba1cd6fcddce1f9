import { z } from 'zod';
import { InvalidInputError, issuesFromZod } from '../../errors';
import type { AuditEvent } from '../AuditEvent';
import type { AuditSink } from '../AuditSink';

/** A writable stream (process.stdout, a file stream). */
export interface WritableLike {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  removeListener?(event: 'drain', listener: () => void): unknown;
}

/** Options of {@link consoleSink}. */
export interface ConsoleSinkOptions {
  /** `json`: one JSON object per line; `pretty`: one readable line per event. Default `pretty`. */
  readonly format?: 'pretty' | 'json';
  /** Where to write. Default `process.stdout`. */
  readonly stream?: WritableLike;
  /** Sink name. Default `console`. */
  readonly name?: string;
}

const Options = z.strictObject({
  format: z.enum(['pretty', 'json']).optional(),
  stream: z
    .custom<WritableLike>(
      (v) => typeof (v as WritableLike)?.write === 'function',
      'must be a writable stream',
    )
    .optional(),
  name: z.string().min(1).max(128).optional(),
});

/**
 * One readable line for an event: time, type, action and outcome, subject, target, error.
 *
 * @example
 * ```ts
 * formatPretty(event);
 * // '2026-01-05T10:00:00.000Z #7 step.completed credential.revoke → revoked (verified) service_account:svc-ci @ acme/credential/k_1'
 * ```
 */
export function formatPretty(event: AuditEvent): string {
  const parts = [event.time, `#${event.sequence}`, event.type];
  if (event.action) parts.push(event.action);
  if (event.outcome)
    parts.push(`→ ${event.outcome.status}${event.outcome.verified ? ' (verified)' : ' (unverified)'}`);
  if (event.subject) parts.push(`${event.subject.kind}:${event.subject.id}`);
  if (event.target) {
    const object = event.target.object;
    parts.push(`@ ${event.target.connector}${object ? `/${object.kind}/${object.id}` : ''}`);
  }
  if (event.error) parts.push(`error=${event.error.code}`);
  if (event.lifecycleEvent?.ticket) parts.push(`ticket=${event.lifecycleEvent.ticket}`);
  if (event.message) parts.push(`— ${event.message}`);
  return parts.join(' ');
}

/**
 * A sink writing events to a stream (stdout by default), pretty or as JSON
 * lines. Waits for `drain` when the stream is full, so it applies backpressure
 * to its own queue only.
 *
 * @example
 * ```ts
 * createAuditEmitter({ sinks: [consoleSink({ format: 'json', stream: process.stderr })] });
 * ```
 */
export function consoleSink(options: ConsoleSinkOptions = {}): AuditSink {
  const parsed = Options.safeParse(options);
  if (!parsed.success) {
    throw new InvalidInputError('consoleSink options are invalid.', { issues: issuesFromZod(parsed.error) });
  }
  const format = options.format ?? 'pretty';
  const stream: WritableLike = options.stream ?? process.stdout;
  return {
    name: options.name ?? 'console',
    async write(events, { signal }) {
      const text = events
        .map((event) => (format === 'json' ? JSON.stringify(event) : formatPretty(event)))
        .join('\n');
      if (stream.write(`${text}\n`)) return;
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          stream.removeListener?.('drain', onDrain);
          reject(signal.reason);
        };
        const onDrain = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        stream.once('drain', onDrain);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
