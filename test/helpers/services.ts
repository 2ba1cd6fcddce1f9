/**
 * Real services for tests. A test that needs one probes it first: when it is
 * absent the test is skipped with a printed reason, unless
 * LIFELINE_REQUIRE_SERVICES=1 (set by .ci/run), where the absence fails the run.
 */
export const POSTGRES_URL = process.env.LIFELINE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether tests must fail instead of skipping when a service is absent. */
export const servicesRequired = process.env.LIFELINE_REQUIRE_SERVICES === '1';

/**
 * Probes a service. Resolves true when it answers; false (after printing why)
 * when it does not; throws when services are required.
 *
 * @example
 * const hasPostgres = await serviceAvailable('PostgreSQL', () => pingPostgres());
 * describe.skipIf(!hasPostgres)('postgres store', () => { ... });
 */
export async function serviceAvailable(name: string, probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (error) {
    const reason = `${name} is not available: ${error instanceof Error ? error.message : String(error)}`;
    if (servicesRequired)
      throw new Error(`${reason} (LIFELINE_REQUIRE_SERVICES=1, so this fails instead of skipping)`);
    console.warn(`[lifeline tests] skipping: ${reason}`);
    return false;
  }
}
