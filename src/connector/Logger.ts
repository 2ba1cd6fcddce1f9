/** Structured fields attached to a log line. Never put secret values here. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * The logger interface Lifeline writes to. Library code never uses `console`;
 * pass a logger (pino, winston, console wrapper) to see what happens.
 *
 * @example
 * ```ts
 * const logger: Logger = {
 *   debug: () => {}, info: (m, f) => console.log(m, f), warn: console.warn, error: console.error,
 * };
 * ```
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const noop = (): void => {};

/**
 * A logger that discards everything: the default.
 *
 * @example
 * ```ts
 * const bound = acme.with(config, credential, { logger: noopLogger });
 * ```
 */
export const noopLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
