import { InvalidInputError } from '../../errors';
import { type Contract, parseContract } from './Contract';
import { type ContractRunOptions, validateRunOptions } from './ContractExercise';
import type { ContractReport } from './ContractReport';
import { diffContract } from './diffContract';
import { loadContract } from './loadContract';
import { observeExercise } from './observeExercise';
import { contractOf } from './recordContract';

/** Options of {@link checkContract}. */
export type CheckContractOptions = ContractRunOptions;

/**
 * Checks a target against a contract baseline: runs the exercise again,
 * records the shapes it reads, and reports what changed — `breaking` (a
 * baseline path gone or retyped, a `schema_drift` or `unsupported` met by the
 * exercise, even in a step that caught it), `additive` (new fields, new
 * payloads), `notExercised` (baseline payloads not read this time) and
 * `errors` (steps that failed for other reasons, so the check is
 * inconclusive). Never throws for drift; a bad contract file or options throw
 * `invalid_input`.
 *
 * @example
 * ```ts
 * const report = await checkContract('contracts/acme.json', { connector: bound, exercise });
 * process.stdout.write(formatContractReport(report));
 * if (!report.ok) process.exitCode = 1;
 * ```
 */
export async function checkContract(
  contractOrFile: Contract | string,
  options: CheckContractOptions,
): Promise<ContractReport> {
  validateRunOptions(options, 'checkContract');
  const { connector, exercise, signal } = options;
  const baseline =
    typeof contractOrFile === 'string'
      ? await loadContract(contractOrFile, signal === undefined ? {} : { signal })
      : parseContract(contractOrFile);
  if (baseline.connector.id !== connector.id) {
    throw new InvalidInputError(
      `The contract was recorded for connector "${baseline.connector.id}", not "${connector.id}".`,
      { issues: [{ path: ['connector', 'id'], message: `must be "${connector.id}"` }] },
    );
  }
  const observation = await observeExercise(connector, exercise, signal);
  const current = contractOf(connector, observation);
  const diff = diffContract(baseline, current, observation.failures);
  return {
    ok: diff.breaking.length === 0 && diff.errors.length === 0,
    connector: { id: connector.id, version: connector.version, baselineVersion: baseline.connector.version },
    adapterVersion: { baseline: baseline.adapterVersion, current: current.adapterVersion },
    recordedAt: baseline.recordedAt,
    breaking: diff.breaking,
    additive: diff.additive,
    notExercised: diff.notExercised,
    errors: diff.errors,
    switches: observation.switches,
  };
}
