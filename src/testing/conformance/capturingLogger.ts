import type { LogFields, Logger } from '../../connector/Logger';

/** One line a connector logged. */
export interface CapturedLog {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields | undefined;
}

/** A {@link Logger} that keeps every line, for checks that read what a connector logs. */
export interface CapturingLogger extends Logger {
  /** Lines logged so far, oldest first (at most `limit`). */
  readonly lines: readonly CapturedLog[];
}

/**
 * Creates a logger that records every line (up to `limit`, default 10,000).
 *
 * @example
 * ```ts
 * const logger = capturingLogger();
 * const bound = acme.with(config, credential, { logger });
 * logger.lines.some((line) => line.level === 'warn');
 * ```
 */
export function capturingLogger(limit = 10_000): CapturingLogger {
  const lines: CapturedLog[] = [];
  const log =
    (level: CapturedLog['level']) =>
    (message: string, fields?: LogFields): void => {
      if (lines.length < limit) lines.push({ level, message, fields });
    };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
