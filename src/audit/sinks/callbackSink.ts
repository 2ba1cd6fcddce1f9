import { InvalidInputError } from '../../errors';
import type { AuditEvent } from '../AuditEvent';
import type { AuditSink, SinkWriteContext } from '../AuditSink';

/**
 * A sink calling `callback` once per batch, in order. A rejected promise or a
 * throw is retried by the emitter like any sink failure.
 *
 * @example
 * ```ts
 * const seen: AuditEvent[] = [];
 * createAuditEmitter({ sinks: [callbackSink((events) => { seen.push(...events); })] });
 * ```
 */
export function callbackSink(
  callback: (events: readonly AuditEvent[], context: SinkWriteContext) => void | Promise<void>,
  options: { readonly name?: string } = {},
): AuditSink {
  if (typeof callback !== 'function') {
    throw new InvalidInputError('callbackSink needs a function.', {
      issues: [{ path: ['callback'], message: 'must be a function' }],
    });
  }
  return { name: options.name ?? 'callback', write: (events, context) => callback(events, context) };
}
