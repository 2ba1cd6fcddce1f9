import type { BoundConnector } from '../../connector/BoundConnector';
import { isLifelineError, type LifelineError, PermanentError } from '../../errors';
import { abortError } from '../../resilience/abortError';
import type { AdapterSwitchEvent } from '../AdapterResolver';
import { MAX_CONTRACT_FINGERPRINTS, MAX_CONTRACT_SHAPE_ENTRIES } from './Contract';
import type { ContractExercise, ContractStep } from './ContractExercise';

/** Shapes observed for one (operation, kind). */
export interface ObservedPayload {
  readonly fingerprints: Set<string>;
  readonly shape: Set<string>;
}

/** An error raised while the exercise ran. */
export interface ExerciseFailure {
  /** The step it happened in (`exercise` for a single-function exercise). */
  readonly step: string;
  /** The operation whose call raised it, when known. */
  readonly operation: string | undefined;
  readonly error: LifelineError;
  /** False when a step caught it (only drift is reported then). */
  readonly escaped: boolean;
}

/** What one run of an exercise showed. */
export interface ExerciseObservation {
  /** operation → kind → shapes. */
  readonly payloads: Map<string, Map<string, ObservedPayload>>;
  readonly failures: readonly ExerciseFailure[];
  readonly switches: readonly AdapterSwitchEvent[];
  /** The tenant's adapter version after the run. */
  readonly adapterVersion: string | undefined;
}

const SINGLE_STEP = 'exercise';

function stepsOf(exercise: ContractExercise): [string, ContractStep][] {
  return typeof exercise === 'function' ? [[SINGLE_STEP, exercise]] : Object.entries(exercise);
}

function asLifelineError(error: unknown, step: string): LifelineError {
  if (isLifelineError(error)) return error;
  const name = (error as Error)?.name ?? typeof error;
  const message = String((error as Error)?.message ?? '').slice(0, 300);
  return new PermanentError(`Contract step "${step}" failed with ${name}${message ? `: ${message}` : ''}.`, {
    cause: error,
  });
}

/**
 * Runs an exercise against a bound connector and collects what its reads
 * looked like (from `onShape`), the errors its calls raised (drift is noticed
 * even when a step catches it) and adapter switches. The engine behind
 * `recordContract` and `checkContract`.
 *
 * @example
 * ```ts
 * const seen = await observeExercise(bound, exercise);
 * seen.payloads.get('account.get')?.get('account')?.shape;
 * ```
 */
export async function observeExercise(
  bound: BoundConnector,
  exercise: ContractExercise,
  signal?: AbortSignal,
): Promise<ExerciseObservation> {
  const payloads = new Map<string, Map<string, ObservedPayload>>();
  const failures: { -readonly [K in keyof ExerciseFailure]: ExerciseFailure[K] }[] = [];
  const switches: AdapterSwitchEvent[] = [];
  const byError = new Map<LifelineError, { escaped: boolean }>();
  let step = SINGLE_STEP;
  const stepSignal = signal ?? new AbortController().signal;

  const shapes = bound.onShape((event) => {
    let kinds = payloads.get(event.operation);
    if (kinds === undefined) {
      kinds = new Map();
      payloads.set(event.operation, kinds);
    }
    let seen = kinds.get(event.kind);
    if (seen === undefined) {
      seen = { fingerprints: new Set(), shape: new Set() };
      kinds.set(event.kind, seen);
    }
    if (seen.fingerprints.size < MAX_CONTRACT_FINGERPRINTS) seen.fingerprints.add(event.fingerprint);
    for (const entry of event.shape) {
      if (seen.shape.size >= MAX_CONTRACT_SHAPE_ENTRIES) break;
      seen.shape.add(entry);
    }
  });
  const switched = bound.onAdapterSwitch((event) => switches.push(event));

  // The steps see a view of the binding whose `call` notes every error it
  // raises, with the operation, before the step can swallow it.
  const call: BoundConnector['call'] = async (operation, input, options) => {
    try {
      return await bound.call(operation, input, options);
    } catch (error) {
      if (isLifelineError(error) && !byError.has(error)) {
        const failure = { step, operation, error, escaped: false };
        byError.set(error, failure);
        failures.push(failure);
      }
      throw error;
    }
  };
  const watched = new Proxy(bound, {
    get: (target, property) => (property === 'call' ? call : Reflect.get(target, property, target)),
  });

  try {
    for (const [name, run] of stepsOf(exercise)) {
      if (signal?.aborted) throw abortError(signal, `contract step "${name}"`);
      step = name;
      try {
        await run(watched, { signal: stepSignal });
      } catch (caught) {
        const error = asLifelineError(caught, name);
        const noted = byError.get(error);
        if (noted !== undefined) noted.escaped = true;
        else failures.push({ step: name, operation: error.context.operation, error, escaped: true });
      }
    }
  } finally {
    shapes.dispose();
    switched.dispose();
  }
  if (signal?.aborted) throw abortError(signal, 'contract exercise');
  return { payloads, failures, switches, adapterVersion: bound.adapterVersion };
}
