/**
 * The Lifeline connector conformance kit, wired: `npm test` runs every check
 * against the connector. Until the operations are implemented, each check
 * fails with the TODO it hit.
 *
 * TODO: the checks run against Lifeline's fake target as a stand-in. Point
 * the factory at a sandbox of the real target and implement a
 * TargetController for it (create accounts and keys, read its side-effect
 * counters, inject faults), or keep the fake target if the connector speaks
 * its API.
 */
import { staticCredential } from 'lifeline';
import {
  type ConnectorFactory,
  createFakeTarget,
  describeConnector,
  fakeTargetController,
} from 'lifeline/testing';
import { describe, it } from 'vitest';
import { connectorTemplate } from '../src';

const tenant = 'conformance';

const factory: ConnectorFactory = async (env) => {
  const target = await createFakeTarget({ tenants: [{ id: tenant, tokens: [{ token: env.canary }] }] });
  const connector = connectorTemplate.with(
    { baseUrl: target.tenantUrl(tenant), tenant },
    staticCredential(env.canary),
    env.bindOptions,
  );
  return { connector, target: fakeTargetController(target, { tenant }) };
};

describeConnector('connector-template conformance', factory, {}, { describe, it });
