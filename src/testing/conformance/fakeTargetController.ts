import type { OperationName } from '../../connector/operations';
import { UnsupportedError } from '../../errors';
import type { FakeTarget } from '../fakeTarget/createFakeTarget';
import type { FaultHandle } from '../fakeTarget/FaultSchedule';
import { FAKE_OPERATIONS, type FakeOperation } from '../fakeTarget/routeRequest';
import { SCIM_OPERATIONS } from '../fakeTarget/scimRoutes';
import type { TargetController, TargetFault, TargetFaultHandle } from './TargetController';

/** Options of {@link fakeTargetController}. */
export interface FakeTargetControllerOptions {
  /** The tenant the connector is bound to (default `acme`). */
  readonly tenant?: string;
  /** Close the fake target when the kit closes the controller (default true). */
  readonly closeTarget?: boolean;
  /**
   * Which API the connector talks to: the fake target's own (`native`, the
   * default) or its SCIM 2.0 mode (`scim`, bind the connector to
   * `target.scimUrl(tenant)`). In SCIM mode there are no credentials: the kit
   * revokes by deleting accounts.
   */
  readonly api?: 'native' | 'scim';
}

/** The fake target's operations behind each Lifeline operation. */
const FAKE_OPERATION_OF: Partial<Record<OperationName, readonly FakeOperation[]>> = {
  'connection.test': ['version.get'],
  'schema.discover': ['version.get'],
  'account.list': ['account.list'],
  'account.get': ['account.get'],
  'account.disable': ['account.disable'],
  'account.enable': ['account.enable'],
  'account.delete': ['account.delete'],
  'credential.list': ['key.list'],
  'credential.get': ['key.get'],
  'credential.revoke': ['key.revoke'],
  'entitlement.list': ['group.list', 'group.members'],
  'entitlement.grant': ['group.addMember'],
  'entitlement.revoke': ['group.removeMember'],
  'session.list': ['session.list'],
  'session.revoke': ['session.revoke', 'session.revokeAll'],
};

/** The SCIM operations behind each Lifeline operation (SCIM mode). */
const SCIM_OPERATION_OF: Partial<Record<OperationName, readonly FakeOperation[]>> = {
  'connection.test': ['scim.serviceProviderConfig', 'scim.resourceTypes', 'scim.user.list'],
  'schema.discover': ['scim.serviceProviderConfig', 'scim.resourceTypes', 'scim.schemas'],
  'account.list': ['scim.user.list'],
  'account.get': ['scim.user.get'],
  'account.create': ['scim.user.create'],
  'account.disable': ['scim.user.patch', 'scim.user.put'],
  'account.enable': ['scim.user.patch', 'scim.user.put'],
  'account.delete': ['scim.user.delete'],
  'entitlement.list': ['scim.group.list', 'scim.group.get'],
  'entitlement.grant': ['scim.group.patch', 'scim.group.put'],
  'entitlement.revoke': ['scim.group.patch', 'scim.group.put'],
};

/** SCIM resources with every attribute a SCIM client reads renamed or retyped. */
const BROKEN_SCIM_BODY = JSON.stringify({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  identifier: 'conformance-drift',
  user_name: 'conformance-drift',
  enabled: 'yes',
  totalResults: 'many',
  Resources: [{ identifier: 'conformance-drift', user_name: 'renamed', enabled: 'yes' }],
});

/** A payload no released API version has: every field the adapters read is renamed or retyped. */
const BROKEN_BODY = JSON.stringify({
  identifier: 'conformance-drift',
  display: { value: 'renamed' },
  records: [{ identifier: 'conformance-drift', enabled: 'yes' }],
  continuation: 0,
});

function fakeOperations(operation: OperationName, scim: boolean): readonly FakeOperation[] {
  const mapped = (scim ? SCIM_OPERATION_OF : FAKE_OPERATION_OF)[operation];
  if (mapped === undefined) {
    throw new UnsupportedError(`The fake target has no endpoint for ${operation}, so it cannot fault it.`);
  }
  return mapped;
}

function handleOf(handle: FaultHandle): TargetFaultHandle {
  return { fired: () => handle.fired, dispose: () => handle.dispose() };
}

/**
 * The conformance kit's {@link TargetController} for the fake target of
 * `lifeline/testing`: creates service accounts and API keys, reads the
 * side-effect counters, and maps kit faults onto the fault schedule. With
 * `api: 'scim'` it drives the target's SCIM 2.0 mode instead: faults match the
 * `scim.*` operations, and disables and deletes are counted on the SCIM user.
 *
 * @example
 * ```ts
 * const target = await createFakeTarget({ tenants: [{ id: 'acme', tokens: [{ token: env.canary }] }] });
 * return { connector: acme.with(config, staticCredential(env.canary), env), target: fakeTargetController(target) };
 * // SCIM: scim.with({ baseUrl: target.scimUrl('acme') }, ...) and fakeTargetController(target, { api: 'scim' })
 * ```
 */
export function fakeTargetController(
  target: FakeTarget,
  options: FakeTargetControllerOptions = {},
): TargetController {
  const tenant = options.tenant ?? 'acme';
  const scim = options.api === 'scim';
  let created = 0;
  const createCredential = async (accountId: string) => {
    created++;
    const { key } = target.addKey(tenant, accountId, { label: `conformance-${created}` });
    return { id: key.id, accountId };
  };
  /** Operations whose applied changes count as a disable or delete of an account. */
  const revoking = scim
    ? ['account.disable', 'account.delete', 'scim.user.patch', 'scim.user.put', 'scim.user.delete']
    : ['account.disable', 'account.delete'];
  return {
    name: scim
      ? `fake target SCIM 2.0 (tenant ${tenant})`
      : `fake target (tenant ${tenant}, API ${target.apiVersion(tenant)})`,
    async createAccount() {
      created++;
      return target.addAccount(tenant, { kind: 'service', name: `svc-conformance-${created}` }).id;
    },
    ...(scim ? {} : { createCredential }),
    async accountStatus(id) {
      return target.state.account(tenant, id)?.status;
    },
    async applied(object) {
      if (object.kind === 'credential') return target.effects('key', object.id, tenant).applied;
      const effects = target.effects('account', object.id, tenant).byOperation;
      return revoking.reduce((sum, name) => sum + (effects[name]?.applied ?? 0), 0);
    },
    async requests(operation) {
      const counters = target.counters();
      if (operation === undefined) return counters.requests;
      return fakeOperations(operation, scim).reduce(
        (sum, name) => sum + (counters.byOperation[name] ?? 0),
        0,
      );
    },
    async inject(fault: TargetFault) {
      switch (fault.kind) {
        case 'status': {
          const operation = [...fakeOperations(fault.operation, scim)];
          const added =
            fault.status === 429
              ? target.faults.add({
                  name: `conformance ${fault.operation} 429`,
                  tenant,
                  operation,
                  times: fault.times,
                  fault: { kind: 'rateLimit', retryAfterSeconds: fault.retryAfterSeconds ?? null },
                })
              : target.faults.add({
                  name: `conformance ${fault.operation} ${fault.status}`,
                  tenant,
                  operation,
                  times: fault.times,
                  fault: {
                    kind: 'status',
                    status: fault.status,
                    ...(fault.retryAfterSeconds === undefined
                      ? {}
                      : { retryAfterSeconds: fault.retryAfterSeconds }),
                  },
                });
          return handleOf(added);
        }
        case 'outage':
          return handleOf(await target.faults.outage({ mode: 'unavailable', tenant }));
        case 'breaking_change':
          if (scim) {
            return handleOf(
              target.faults.add({
                name: 'conformance breaking change (SCIM)',
                tenant,
                method: ['GET', 'POST', 'PATCH', 'PUT'],
                operation: SCIM_OPERATIONS.filter(
                  (name) => name.startsWith('scim.user.') || name.startsWith('scim.group.'),
                ),
                fault: {
                  kind: 'wrongContentType',
                  contentType: 'application/scim+json',
                  status: 200,
                  body: BROKEN_SCIM_BODY,
                  phase: 'after',
                },
              }),
            );
          }
          return handleOf(
            target.faults.add({
              name: 'conformance breaking change',
              tenant,
              method: ['GET', 'POST', 'PATCH', 'PUT'],
              operation: FAKE_OPERATIONS.filter((name) => name !== 'version.get' && name !== 'oauth.token'),
              fault: {
                kind: 'wrongContentType',
                contentType: 'application/json',
                status: 200,
                body: BROKEN_BODY,
                phase: 'after',
              },
            }),
          );
      }
    },
    async close() {
      if (options.closeTarget ?? true) await target.close();
    },
  };
}
