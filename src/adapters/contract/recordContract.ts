import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidInputError, isLifelineError, PermanentError } from '../../errors';
import { CONTRACT_SCHEMA_VERSION, type Contract, type ContractPayload } from './Contract';
import { type ContractRunOptions, validateRunOptions } from './ContractExercise';
import { type ExerciseObservation, observeExercise } from './observeExercise';

/** Options of {@link recordContract}. */
export interface RecordContractOptions extends ContractRunOptions {
  /** Also write the contract here, as pretty JSON (replaced atomically). */
  readonly file?: string;
}

/**
 * Builds a contract from an observation (sorted, so equal runs give equal files).
 *
 * @example
 * ```ts
 * const contract = contractOf(bound, await observeExercise(bound, exercise));
 * ```
 */
export function contractOf(
  connector: { readonly id: string; readonly version: string },
  observation: ExerciseObservation,
  recordedAt: Date = new Date(),
): Contract {
  const operations: Record<string, Record<string, ContractPayload>> = {};
  for (const operation of [...observation.payloads.keys()].sort()) {
    const kinds = observation.payloads.get(operation);
    if (kinds === undefined) continue;
    const entry: Record<string, ContractPayload> = {};
    for (const kind of [...kinds.keys()].sort()) {
      const seen = kinds.get(kind);
      if (seen === undefined) continue;
      entry[kind] = { fingerprints: [...seen.fingerprints].sort(), shape: [...seen.shape].sort() };
    }
    operations[operation] = entry;
  }
  return {
    schemaVersion: CONTRACT_SCHEMA_VERSION,
    connector: { id: connector.id, version: connector.version },
    adapterVersion: observation.adapterVersion ?? null,
    recordedAt: recordedAt.toISOString(),
    operations,
  };
}

async function writeContract(
  file: string,
  contract: Contract,
  signal: AbortSignal | undefined,
): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temporary, `${JSON.stringify(contract, null, 2)}\n`, {
      encoding: 'utf8',
      ...(signal === undefined ? {} : { signal }),
    });
    await rename(temporary, file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.name ?? 'error';
    throw new PermanentError(`Cannot write contract file ${file} (${reason}).`, { cause: error });
  }
}

/**
 * Records a contract baseline: runs `exercise` against the bound connector and
 * collects the shape of every payload read through `ctx.adapter` (its
 * `onShape` events) per operation and object kind — key paths and JSON types,
 * never values. Returns the contract and, with `file`, writes it as pretty
 * JSON for CI to check later with `checkContract`.
 *
 * A baseline is only recorded from a clean run: an exercise step that throws,
 * or any `schema_drift` a step caught, rejects with that (Lifeline) error; an
 * exercise that reads no payload through an adapter is `invalid_input`.
 *
 * @example
 * ```ts
 * const contract = await recordContract({
 *   connector: acme.with(config, credential),
 *   exercise: async (bound, { signal }) => {
 *     await bound.call('account.get', { account: { id: 'acc_ci' } }, { signal });
 *     await bound.call('credential.list', { account: { id: 'acc_ci' } }, { signal });
 *   },
 *   file: 'contracts/acme.json',
 * });
 * ```
 */
export async function recordContract(options: RecordContractOptions): Promise<Contract> {
  validateRunOptions(options, 'recordContract');
  if (options.file !== undefined && (typeof options.file !== 'string' || options.file === '')) {
    throw new InvalidInputError('Invalid recordContract options:\n  - file: must be a non-empty path', {
      issues: [{ path: ['file'], message: 'must be a non-empty path' }],
    });
  }
  const { connector, exercise, signal } = options;
  const observation = await observeExercise(connector, exercise, signal);
  const failure =
    observation.failures.find((f) => f.escaped) ??
    observation.failures.find((f) => isLifelineError(f.error, 'schema_drift'));
  if (failure !== undefined) throw failure.error;
  if (observation.payloads.size === 0) {
    throw new InvalidInputError(
      `The contract exercise of ${connector.id} read no payload through an adapter; call operations that read with ctx.adapter (and give the connector adapters).`,
    );
  }
  const contract = contractOf(connector, observation);
  if (options.file !== undefined) await writeContract(options.file, contract, signal);
  return contract;
}
