import type { OperationName } from '../../connector/operations';
import { UnsupportedError } from '../../errors';
import type { FakeTarget } from '../fakeTarget/createFakeTarget';
import type { FaultHandle } from '../fakeTarget/FaultSchedule';
import { FAKE_OPERATIONS, type FakeOperation } from '../fakeTarget/routeRequest';
import type { TargetController, TargetFault, TargetFaultHandle } from './TargetController';

/** Options of {@link fakeTargetController}. */
export interface FakeTargetControllerOptions {
  /** The tenant the connector is bound to (default `acme`). */
  readonly tenant?: string;
  /** Close the fake target when the kit closes the controller (default true). */
  readonly closeTarget?: boolean;
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

/** A payload no released API version has: every field the adapters read is renamed or retyped. */
const BROKEN_BODY = JSON.stringify({
  identifier: 'conformance-drift',
  display: { value: 'renamed' },
  records: [{ identifier: 'conformance-drift', enabled: 'yes' }],
  continuation: 0,
});

function fakeOperations(operation: OperationName): readonly FakeOperation[] {
  const mapped = FAKE_OPERATION_OF[operation];
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
 * side-effect counters, and maps kit faults onto the fault schedule.
 *
 * @example
 * ```ts
 * const target = await createFakeTarget({ tenants: [{ id: 'acme', tokens: [{ token: env.canary }] }] });
 * return { connector: acme.with(config, staticCredential(env.canary), env), target: fakeTargetController(target) };
 * ```
 */
export function fakeTargetController(
  target: FakeTarget,
  options: FakeTargetControllerOptions = {},
): TargetController {
  const tenant = options.tenant ?? 'acme';
  let created = 0;
  return {
    name: `fake target (tenant ${tenant}, API ${target.apiVersion(tenant)})`,
    async createAccount() {
      created++;
      return target.addAccount(tenant, { kind: 'service', name: `svc-conformance-${created}` }).id;
    },
    async createCredential(accountId) {
      created++;
      const { key } = target.addKey(tenant, accountId, { label: `conformance-${created}` });
      return { id: key.id, accountId };
    },
    async accountStatus(id) {
      return target.state.account(tenant, id)?.status;
    },
    async applied(object) {
      if (object.kind === 'credential') return target.effects('key', object.id, tenant).applied;
      const effects = target.effects('account', object.id, tenant).byOperation;
      return (effects['account.disable']?.applied ?? 0) + (effects['account.delete']?.applied ?? 0);
    },
    async requests(operation) {
      const counters = target.counters();
      if (operation === undefined) return counters.requests;
      return fakeOperations(operation).reduce((sum, name) => sum + (counters.byOperation[name] ?? 0), 0);
    },
    async inject(fault: TargetFault) {
      switch (fault.kind) {
        case 'status': {
          const operation = [...fakeOperations(fault.operation)];
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
