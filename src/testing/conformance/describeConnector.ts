import { AssertionError } from 'node:assert';
import { CONFORMANCE_CHECKS } from './ConformanceReport';
import {
  type CheckConnectorOptions,
  type ConnectorFactory,
  runConformanceCheck,
  selectedChecks,
} from './checkConnector';

/** What a test framework passes to a test body; vitest's `skip(note)` marks a check skipped by capability. */
export interface ConformanceTestContext {
  readonly skip?: (note?: string) => void;
}

/**
 * The registration functions of a test framework: vitest and jest fit as
 * they are (`it(name, body, timeout)`).
 */
export interface ConnectorTestRegistrar {
  readonly describe: (name: string, body: () => void) => unknown;
  readonly it: (
    name: string,
    body: (context: ConformanceTestContext) => Promise<void>,
    timeout?: number,
  ) => unknown;
}

/**
 * Registers the connector conformance checks with your test framework: one
 * test per check under `describe(name)`. A check the connector cannot run is
 * skipped with the reason (through the test context's `skip`, where the
 * framework has one); a failing check fails with what to fix. Pass your
 * framework's `describe` and `it`, so `lifeline/testing` depends on none.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { describeConnector } from 'lifeline/testing';
 * describeConnector('acme', factory, { fixtures: { listSize: 30 } }, { describe, it });
 * ```
 */
export function describeConnector(
  name: string,
  factory: ConnectorFactory,
  options: CheckConnectorOptions,
  registrar: ConnectorTestRegistrar,
): void {
  const timeout = (options.timeoutMs ?? 60_000) + 15_000;
  registrar.describe(name, () => {
    for (const id of selectedChecks(options)) {
      const title = CONFORMANCE_CHECKS.find((check) => check.id === id)?.name ?? id;
      registrar.it(
        title,
        async (context) => {
          const result = await runConformanceCheck(factory, id, options);
          if (result.status === 'failed') {
            throw new AssertionError({ message: `[${id}] ${result.message ?? 'failed'}` });
          }
          if (result.status === 'skipped') context?.skip?.(`skipped by capability: ${result.message ?? ''}`);
        },
        timeout,
      );
    }
  });
}
