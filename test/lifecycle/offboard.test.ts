import {
  type AuditEvent,
  callbackSink,
  createAuditEmitter,
  createLifecycle,
  createResiliencePolicy,
  isLifelineError,
  manualQueue,
  memoryStore,
  renderReport,
  staticCredential,
} from 'lifeline';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acme, acmeV1, createAcmeConnector } from '../../examples/acme';

let target: FakeTarget;
const fastPolicy = () =>
  createResiliencePolicy({
    retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 20 },
    timeout: 2000,
    breaker: false,
  });

beforeEach(async () => {
  target = await createFakeTarget({
    seed: 7,
    tenants: [
      { id: 'healthy', apiVersion: 'v2' },
      { id: 'drifting', apiVersion: 'v2' },
      { id: 'down', apiVersion: 'v1' },
    ],
  });
});

afterEach(async () => {
  await target.close();
});

/** Gives `identity` one account with two keys, a group and a session in `tenant`. */
function seedIdentity(tenant: string) {
  const account = target.addAccount(tenant, { id: 'acc_ci', name: 'svc-ci', type: 'service' } as never);
  const keys = [target.addKey(tenant, account.id).key, target.addKey(tenant, account.id).key];
  const group = target.addGroup(tenant, { id: 'grp_deploy' } as never);
  target.addMember(tenant, group.id, account.id);
  target.addSession(tenant, account.id);
  return { account, keys, group };
}

const identity = {
  id: 'svc-ci',
  kind: 'service_account' as const,
  externalIds: { healthy: 'acc_ci', drifting: 'acc_ci', down: 'acc_ci' },
};
const event = {
  reason: 'CI pipeline retired',
  actor: { kind: 'person' as const, id: 'alice' },
  ticket: 'SEC-42',
};

function bind(tenant: string, connector = acme) {
  return connector.with(
    { baseUrl: target.tenantUrl(tenant), tenant },
    staticCredential(target.token(tenant)),
    { policy: fastPolicy(), tenant },
  );
}

describe('offboarding across healthy, drifting and down connectors', () => {
  it('completes the healthy one verified and escalates the others with receipts', async () => {
    const healthy = seedIdentity('healthy');
    seedIdentity('drifting');
    seedIdentity('down');
    await target.faults.outage({ mode: 'unavailable', tenant: 'down' });
    const events: AuditEvent[] = [];
    const audit = createAuditEmitter({
      sinks: [
        callbackSink((batch) => {
          events.push(...batch);
        }),
      ],
    });
    const store = memoryStore();
    const lifeline = createLifecycle({
      connectors: {
        healthy: bind('healthy'),
        drifting: bind('drifting', createAcmeConnector({ adapters: [acmeV1] })),
        down: bind('down'),
      },
      store,
      audit,
      fallback: manualQueue(),
      stepDeadlineMs: 500,
      verify: { attempts: 2, initialDelayMs: 10 },
    });
    const report = await lifeline.offboard({ identity, event });
    await audit.flush();

    expect(report.status).toBe('completed_with_escalations');
    const healthySteps = report.steps.filter((s) => s.connector === 'healthy');
    expect(healthySteps.map((s) => s.action).sort()).toEqual([
      'account.disable',
      'credential.revoke',
      'credential.revoke',
      'entitlement.revoke',
      'session.revoke',
    ]);
    for (const step of healthySteps)
      expect(step).toMatchObject({ state: 'done', verified: true, adapterVersion: 'v2' });
    for (const key of healthy.keys) expect(target.effects('key', key.id, 'healthy').applied).toBe(1);
    expect(target.state.account('healthy', 'acc_ci')?.status).toBe('disabled');

    const escalated = report.steps.filter((s) => s.state === 'escalated');
    expect(escalated.length).toBeGreaterThan(0);
    for (const step of escalated) expect(step.escalation?.receipt).toMatch(/^task:/);
    expect(report.steps.filter((s) => s.state === 'failed')).toEqual([]);
    expect(report.discoveryFailures.map((f) => f.connector).sort()).toEqual(['down', 'drifting']);
    const tasks = await lifeline.tasks();
    expect(tasks.map((t) => t.id).sort()).toEqual([
      `task:${report.runId}:down:account.disable:acc_ci`,
      `task:${report.runId}:down:discover`,
      `task:${report.runId}:drifting:account.disable:acc_ci`,
      `task:${report.runId}:drifting:discover`,
    ]);
    const driftingDisable = report.steps.find((s) => s.stepId === 'drifting:account.disable:acc_ci');
    expect(driftingDisable).toMatchObject({ state: 'escalated', error: { code: 'schema_drift' } });
    expect(target.effects('account', 'acc_ci', 'down').applied).toBe(0);

    const types = events.map((e) => e.type);
    expect(types[0]).toBe('run.started');
    expect(
      events
        .filter((e) => e.type === 'credential.static_used')
        .map((e) => e.target?.tenant)
        .sort(),
    ).toEqual(['down', 'drifting', 'healthy']);
    expect(types.at(-1)).toBe('run.completed');
    expect(events.filter((e) => e.type === 'step.completed')).toHaveLength(5);
    expect(events.filter((e) => e.type === 'fallback.escalated')).toHaveLength(2);
    expect(
      events
        .filter((e) => e.type === 'step.escalated')
        .map((e) => e.target?.connector)
        .sort(),
    ).toEqual(['down', 'drifting']);
    expect(renderReport(report)).toContain('COMPLETED_WITH_ESCALATIONS');
  });

  it('reports a run whose failures nobody took over as incomplete, never as success', async () => {
    seedIdentity('down');
    await target.faults.outage({ mode: 'unavailable', tenant: 'down' });
    const lifeline = createLifecycle({ connectors: { down: bind('down') }, stepDeadlineMs: 200 });
    const report = await lifeline.offboard({ identity, event });
    expect(report.status).toBe('incomplete');
    expect(report.reasons.join()).toContain('could not enumerate access at down');
  });

  it('touches nothing in a dry run', async () => {
    const seeded = seedIdentity('healthy');
    target.resetCounters();
    const lifeline = createLifecycle({ connectors: { healthy: bind('healthy') } });
    const report = await lifeline.offboard({ identity, event, dryRun: true, delete: { afterMs: 0 } });
    expect(report.status).toBe('planned');
    expect(report.steps.every((s) => s.outcome === 'planned')).toBe(true);
    expect(report.summary.total).toBe(6);
    for (const key of seeded.keys)
      expect(target.effects('key', key.id, 'healthy')).toMatchObject({ requests: 0, applied: 0 });
    expect(target.effects('account', 'acc_ci', 'healthy')).toMatchObject({ requests: 0, applied: 0 });
  });

  it('refuses an oversized delete unless overridden, and records the override', async () => {
    for (let i = 0; i < 3; i++) target.addAccount('healthy', { id: `acc_${i}`, name: 'svc-ci' } as never);
    const events: AuditEvent[] = [];
    const audit = createAuditEmitter({
      sinks: [
        callbackSink((batch) => {
          events.push(...batch);
        }),
      ],
    });
    const lifeline = createLifecycle({
      connectors: { healthy: bind('healthy') },
      guard: { maxDeletesPerConnector: 2 },
      audit,
    });
    const request = {
      identity: { id: 'svc-ci', kind: 'service_account' as const },
      event,
      delete: { afterMs: 0 },
    };
    const refused = await lifeline.offboard(request).catch((error: unknown) => error);
    expect(isLifelineError(refused, 'permanent')).toBe(true);
    expect((refused as Error).message).toContain('3 account deletes at healthy (limit 2)');
    expect(target.state.account('healthy', 'acc_0')?.status).toBe('active');

    const report = await lifeline.offboard({
      ...request,
      override: { reason: 'retiring the whole CI fleet', actor: { kind: 'person', id: 'bob' } },
    });
    await audit.flush();
    expect(report.status).toBe('completed');
    expect(target.state.account('healthy', 'acc_0')).toBeUndefined();
    expect(events.find((e) => e.type === 'run.started')?.message).toContain('guard overridden by bob');
  });
});
