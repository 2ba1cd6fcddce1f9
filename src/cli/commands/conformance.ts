import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isLifelineError } from '../../errors';
import {
  type CheckConnectorOptions,
  CONFORMANCE_CHECKS,
  type ConformanceCheckId,
  type ConnectorFactory,
  checkConnector,
  formatConformanceReport,
} from '../../testing/conformance';
import type { CliIo } from '../runCli';

const USAGE = `Usage: lifeline conformance <module> [--only <ids>] [--skip <ids>] [--json]

Runs the connector conformance checks. <module> exports \`factory\` (a
ConnectorFactory) and optionally \`options\` (CheckConnectorOptions), or a
default export { factory, options }. A TypeScript module needs a loader:
npx tsx node_modules/.bin/lifeline conformance ./conformance.ts

Checks: ${CONFORMANCE_CHECKS.map((check) => check.id).join(', ')}
Exit codes: 0 every check passed or was skipped by capability, 1 a check failed, 2 usage or load error.
`;

const IDS = new Set<string>(CONFORMANCE_CHECKS.map((check) => check.id));

function checkIds(value: string | undefined): ConformanceCheckId[] | string {
  if (value === undefined || value === '') return 'needs a comma-separated list of check ids';
  const ids = value.split(',').map((id) => id.trim());
  const unknown = ids.filter((id) => !IDS.has(id));
  return unknown.length > 0 ? `unknown check "${unknown.join('", "')}"` : (ids as ConformanceCheckId[]);
}

interface LoadedModule {
  readonly factory: ConnectorFactory;
  readonly options: CheckConnectorOptions;
}

function fromModule(loaded: Record<string, unknown>): LoadedModule | string {
  const fallback = (loaded.default ?? {}) as Record<string, unknown>;
  const factory = loaded.factory ?? fallback.factory;
  const options = loaded.options ?? fallback.options ?? {};
  if (typeof factory !== 'function') return 'the module exports no `factory` function';
  if (typeof options !== 'object' || options === null) return '`options` must be an object';
  return { factory: factory as ConnectorFactory, options: options as CheckConnectorOptions };
}

function messageOf(error: unknown): string {
  return isLifelineError(error) || error instanceof Error ? error.message : String(error);
}

/**
 * `lifeline conformance <module>`: loads a module exporting a connector
 * factory (and options), runs the conformance checks, prints the report and
 * returns the exit code (0 passed, 1 a check failed, 2 usage or load error).
 * `args` are the arguments after `conformance`.
 *
 * @example
 * ```ts
 * const code = await conformance(['./conformance.js', '--skip', 'breaker-opens'], {
 *   out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t),
 * });
 * ```
 */
export async function conformance(args: readonly string[], io: CliIo): Promise<number> {
  let file: string | undefined;
  let json = false;
  let only: ConformanceCheckId[] | undefined;
  let skip: ConformanceCheckId[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-h' || arg === '--help') {
      io.out(USAGE);
      return 0;
    }
    if (arg === '--json') json = true;
    else if (arg === '--only' || arg === '--skip') {
      const ids = checkIds(args[++i]);
      if (typeof ids === 'string') {
        io.err(`lifeline conformance: ${arg} ${ids}.\n${USAGE}`);
        return 2;
      }
      if (arg === '--only') only = ids;
      else skip = ids;
    } else if (arg.startsWith('-')) {
      io.err(`lifeline conformance: unknown option "${arg}".\n${USAGE}`);
      return 2;
    } else if (file === undefined) file = arg;
    else {
      io.err(`lifeline conformance: expected one module, got "${file}" and "${arg}".\n${USAGE}`);
      return 2;
    }
  }
  if (file === undefined) {
    io.err(`lifeline conformance: missing <module>.\n${USAGE}`);
    return 2;
  }
  let loaded: LoadedModule | string;
  try {
    loaded = fromModule((await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>);
  } catch (error) {
    io.err(`lifeline conformance: cannot load ${file}: ${messageOf(error)}\n`);
    return 2;
  }
  if (typeof loaded === 'string') {
    io.err(`lifeline conformance: ${file}: ${loaded}.\n${USAGE}`);
    return 2;
  }
  try {
    const report = await checkConnector(loaded.factory, {
      ...loaded.options,
      ...(only === undefined ? {} : { only }),
      ...(skip === undefined ? {} : { skip }),
    });
    io.out(json ? `${JSON.stringify(report)}\n` : formatConformanceReport(report));
    return report.passed ? 0 : 1;
  } catch (error) {
    io.err(`lifeline conformance: ${messageOf(error)}\n`);
    return 2;
  }
}
