/**
 * The conformance kit against the SCIM connector and a real scimmy server
 * (express 4) on 127.0.0.1, through a scimmy-based target controller. SCIM
 * has no credentials: the revocation checks delete accounts instead, and the
 * kit reports which checks SCIM's capabilities skip.
 */
import { staticCredential } from 'lifeline';
import { scim } from 'lifeline/connectors/scim';
import { describe, expect, it } from 'vitest';
import { type ConnectorFactory, checkConnector, describeConnector } from '../../src/testing/conformance';
import { startScimServer } from '../helpers/scimServer';
import { scimController } from './fixtures/scimController';

const factory: ConnectorFactory = async (env) => {
  const server = await startScimServer({ token: env.canary });
  const connector = scim.with(
    { baseUrl: server.baseUrl, tenant: 'scim' },
    staticCredential(env.canary),
    env.bindOptions,
  );
  return { connector, target: scimController(server) };
};

describeConnector('the SCIM connector against scimmy', factory, {}, { describe, it });

describe('the SCIM conformance report', () => {
  it('revokes by deleting accounts and skips nothing SCIM can do', async () => {
    const report = await checkConnector(factory, {
      only: ['revoke-idempotent', 'no-retry-non-idempotent-5xx'],
    });
    expect(report.connector?.id).toBe('scim');
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['revoke-idempotent', 'passed'],
      ['no-retry-non-idempotent-5xx', 'passed'],
    ]);
    expect(report.checks[0]?.notes.join(' ')).toMatch(
      /^account .*: revoked, replayed, then already_absent; applied once$/,
    );
  }, 60_000);
});
