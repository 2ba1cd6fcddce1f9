import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ContractExercise } from '../../adapters/contract/ContractExercise';
import { checkContract } from '../../adapters/contract/checkContract';
import { formatContractReport } from '../../adapters/contract/formatContractReport';
import type { BoundConnector } from '../../connector/BoundConnector';
import { isLifelineError } from '../../errors';
import type { CliIo } from '../runCli';

const USAGE = `Usage: lifeline contract check <contract.json> --module <path> [--json] [--timeout-ms <n>]

Runs the module's exercise against the target and compares the payload shapes
with a contract baseline recorded by recordContract().

The module default-exports (or exports as \`contract\`):
  { connector: BoundConnector | () => Promise<BoundConnector>,
    exercise: (bound, { signal }) => Promise | { [step]: (bound, { signal }) => Promise },
    close?: () => Promise<void> }
It is loaded with import(): plain JavaScript, or TypeScript when Node runs with a
loader (node --import tsx).

Exit codes: 0 no breaking change, 1 breaking changes, 2 usage error, bad
contract or module, or an inconclusive check (a step failed for another reason).
`;

/** What a contract module exports. */
export interface ContractModule {
  readonly connector: BoundConnector | (() => Promise<BoundConnector>);
  readonly exercise: ContractExercise;
  readonly close?: () => Promise<void>;
}

const ContractModuleShape = z.object({
  connector: z.custom<ContractModule['connector']>(
    (value) => typeof value === 'function' || (typeof value === 'object' && value !== null),
    'must be a bound connector or a function returning one',
  ),
  exercise: z.custom<ContractExercise>(
    (value) => typeof value === 'function' || (typeof value === 'object' && value !== null),
    'must be a function or an object of named steps',
  ),
  close: z
    .custom<() => Promise<void>>((value) => typeof value === 'function', 'must be a function')
    .optional(),
});

function messageOf(error: unknown): string {
  if (isLifelineError(error) || error instanceof Error) return error.message;
  return String(error);
}

function isBound(value: unknown): value is BoundConnector {
  return (
    typeof value === 'object' && value !== null && typeof (value as { call?: unknown }).call === 'function'
  );
}

/**
 * `lifeline contract check <contract.json> --module <path>`: loads the module's
 * connector and exercise, checks the target against the baseline and prints the
 * report. Returns the exit code: 0 no breaking change, 1 breaking changes, 2
 * usage error, unreadable contract or module, or an inconclusive check. `args`
 * are the arguments after `contract check`.
 *
 * @example
 * ```ts
 * const code = await contractCheck(['contracts/acme.json', '--module', 'contracts/acme.mjs'], {
 *   out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t),
 * });
 * ```
 */
export async function contractCheck(args: readonly string[], io: CliIo): Promise<number> {
  let file: string | undefined;
  let modulePath: string | undefined;
  let json = false;
  let timeoutMs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-h' || arg === '--help') {
      io.out(USAGE);
      return 0;
    }
    if (arg === '--json') json = true;
    else if (arg === '--module' || arg === '-m') {
      modulePath = args[++i];
      if (modulePath === undefined || modulePath === '') {
        io.err(`lifeline contract check: --module needs a path.\n${USAGE}`);
        return 2;
      }
    } else if (arg === '--timeout-ms') {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value <= 0) {
        io.err(`lifeline contract check: --timeout-ms needs a positive integer.\n${USAGE}`);
        return 2;
      }
      timeoutMs = value;
    } else if (arg.startsWith('-')) {
      io.err(`lifeline contract check: unknown option "${arg}".\n${USAGE}`);
      return 2;
    } else if (file === undefined) file = arg;
    else {
      io.err(`lifeline contract check: expected one contract file, got "${file}" and "${arg}".\n${USAGE}`);
      return 2;
    }
  }
  if (file === undefined || modulePath === undefined) {
    io.err(
      `lifeline contract check: missing ${file === undefined ? '<contract.json>' : '--module <path>'}.\n${USAGE}`,
    );
    return 2;
  }

  let loaded: ContractModule;
  try {
    const imported = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>;
    const candidate = imported.default ?? imported.contract;
    const parsed = ContractModuleShape.safeParse(candidate);
    if (!parsed.success) {
      const paths = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(export)'}: ${issue.message}`,
      );
      io.err(
        `lifeline contract check: ${modulePath} must default-export (or export as "contract") { connector, exercise }:\n  - ${paths.join('\n  - ')}\n`,
      );
      return 2;
    }
    loaded = candidate as ContractModule;
  } catch (error) {
    io.err(`lifeline contract check: cannot load module ${modulePath}: ${messageOf(error)}\n`);
    return 2;
  }

  const signal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  try {
    const connector = typeof loaded.connector === 'function' ? await loaded.connector() : loaded.connector;
    if (!isBound(connector)) {
      io.err(
        `lifeline contract check: ${modulePath}: connector is not a bound connector (connector.with(...)).\n`,
      );
      return 2;
    }
    const report = await checkContract(file, {
      connector,
      exercise: loaded.exercise,
      ...(signal === undefined ? {} : { signal }),
    });
    if (json) {
      const {
        ok,
        connector: id,
        adapterVersion,
        recordedAt,
        breaking,
        additive,
        notExercised,
        errors,
        switches,
      } = report;
      io.out(
        `${JSON.stringify({ file, ok, connector: id, adapterVersion, recordedAt, breaking, additive, notExercised, errors, switches })}\n`,
      );
    } else {
      io.out(formatContractReport(report));
    }
    if (report.breaking.length > 0) return 1;
    return report.errors.length > 0 ? 2 : 0;
  } catch (error) {
    io.err(`lifeline contract check: ${messageOf(error)}\n`);
    return 2;
  } finally {
    await loaded.close?.().catch((error: unknown) => {
      io.err(`lifeline contract check: the module's close() failed: ${messageOf(error)}\n`);
    });
  }
}
