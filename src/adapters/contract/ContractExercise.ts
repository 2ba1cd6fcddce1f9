import { z } from 'zod';
import type { BoundConnector } from '../../connector/BoundConnector';
import { formatIssues, InvalidInputError, issuesFromZod } from '../../errors';

/** Options handed to every exercise step. */
export interface ContractStepOptions {
  /** Aborted when the caller cancels the recording or check (never aborted otherwise); pass it to `bound.call`. */
  readonly signal: AbortSignal;
}

/**
 * One step of a contract exercise: calls the operations whose payloads the
 * contract should cover. It receives the bound connector (wrapped so that
 * drift is noticed even when the step catches it).
 *
 * @example
 * ```ts
 * const listKeys: ContractStep = async (bound, { signal }) => {
 *   await bound.call('credential.list', { account: { id: 'acc_ci' } }, { signal });
 * };
 * ```
 */
export type ContractStep = (connector: BoundConnector, options: ContractStepOptions) => Promise<unknown>;

/**
 * What a contract covers: one function, or named steps that run in order and
 * fail independently (a drifted step does not hide the steps after it).
 *
 * @example
 * ```ts
 * const exercise: ContractExercise = {
 *   'read an account': (bound, { signal }) => bound.call('account.get', { account: { id: 'acc_ci' } }, { signal }),
 *   'list its keys': (bound, { signal }) => bound.call('credential.list', { account: { id: 'acc_ci' } }, { signal }),
 * };
 * ```
 */
export type ContractExercise = ContractStep | Readonly<Record<string, ContractStep>>;

/** Options shared by `recordContract` and `checkContract`. */
export interface ContractRunOptions {
  /** A bound connector with adapters; use a binding of its own (its shape events are all recorded). */
  readonly connector: BoundConnector;
  /** The operations to cover. */
  readonly exercise: ContractExercise;
  /** Cancels the exercise. */
  readonly signal?: AbortSignal;
}

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';

const BoundLike = z.custom<BoundConnector>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    isFunction((value as { call?: unknown }).call) &&
    isFunction((value as { onShape?: unknown }).onShape) &&
    typeof (value as { id?: unknown }).id === 'string',
  'must be a bound connector (connector.with(config, credential))',
);

const Step = z.custom<ContractStep>(isFunction, 'must be a function (bound, { signal }) => Promise');

const RunOptions = z.object({
  connector: BoundLike,
  exercise: z.union([
    Step,
    z
      .record(z.string().min(1).max(256), Step)
      .refine((steps) => Object.keys(steps).length > 0, 'must name at least one step'),
  ]),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'must be an AbortSignal').optional(),
});

/**
 * Validates the options of `recordContract` / `checkContract`
 * (`InvalidInputError` listing the bad paths).
 *
 * @example
 * ```ts
 * validateRunOptions({ connector: bound, exercise: async (b) => b.call('account.get', { account: { id } }) }, 'recordContract');
 * ```
 */
export function validateRunOptions(options: unknown, caller: string): void {
  const parsed = RunOptions.safeParse(options);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error);
    throw new InvalidInputError(`Invalid ${caller} options:\n${formatIssues(issues)}`, { issues });
  }
}
