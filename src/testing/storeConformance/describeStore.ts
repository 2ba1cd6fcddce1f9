import { type StoreCapabilities, type StoreFactory, storeConformanceCases } from './storeConformanceCases';

/** The two registration functions of a test framework (vitest, jest, mocha and node:test all fit). */
export interface TestRegistrar {
  readonly describe: (name: string, body: () => void) => unknown;
  readonly it: (name: string, body: () => Promise<void>) => unknown;
}

/**
 * Registers the store conformance suite with your test framework: one test per
 * case under `describe(name)`. Pass your framework's `describe` and `it`, so
 * `lifeline/testing` depends on none.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { describeStore } from 'lifeline/testing';
 * describeStore('my store', ({ clock }) => myStore({ clock: clock.now }), { describe, it });
 * ```
 */
export function describeStore(
  name: string,
  factory: StoreFactory,
  registrar: TestRegistrar,
  capabilities: StoreCapabilities = {},
): void {
  registrar.describe(name, () => {
    for (const check of storeConformanceCases(factory, capabilities)) registrar.it(check.name, check.run);
  });
}
