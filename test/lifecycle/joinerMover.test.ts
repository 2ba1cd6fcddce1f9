/**
 * Issue 7, item 2: joiner and mover through the lifecycle runner, against the
 * fake target (Acme) and, for account creation (the fake target has no
 * account-creation endpoint), a tiny real HTTP "provisioning API" that creates
 * the account in the fake target and counts how often it was asked to.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AuditEvent,
  type BoundConnector,
  callbackSink,
  createAccount,
  createAuditEmitter,
  createLifecycle,
  createResiliencePolicy,
  defineConnector,
  manualQueue,
  memoryStore,
  staticCredential,
} from 'lifeline';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { acme } from '../../examples/acme';

const TENANT = 'acme';
let target: FakeTarget;
let provisioning: { server: Server; url: string; creates: number; mode: 'ok' | 'reset-after-create' };

const policy = () =>
  createResiliencePolicy({
    retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 20 },
    timeout: 15_000,
    breaker: false,
  });

beforeEach(async () => {
  target = await createFakeTarget({ seed: 12, tenants: [{ id: TENANT, apiVersion: 'v2' }] });
  for (const id of ['grp_deploy', 'grp_read', 'grp_old', 'grp_legacy', 'grp_keep', 'grp_new'])
    target.addGroup(TENANT, { id } as never);
  const state = { creates: 0, mode: 'ok' as 'ok' | 'reset-after-create' };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/accounts') {
        res.writeHead(404).end();
        return;
      }
      state.creates++;
      const { username } = JSON.parse(body) as { username: string };
      const account = target.addAccount(TENANT, { name: username, type: 'service' } as never);
      if (state.mode === 'reset-after-create') {
        req.socket.destroy(); // created, but the client never hears about it
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: account.id, username }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  provisioning = Object.assign(state, {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
});

afterEach(async () => {
  provisioning.server.closeAllConnections();
  await new Promise((resolve) => provisioning.server.close(resolve));
  await target.close();
});

function bindAcme(): BoundConnector {
  return acme.with(
    { baseUrl: target.tenantUrl(TENANT), tenant: TENANT },
    staticCredential(target.token(TENANT)),
    { policy: policy(), tenant: TENANT },
  );
}

/**
 * Acme plus `account.create` through the provisioning API: what a connector
 * author writes when creation lives in a separate service.
 */
function bindProvisioningAcme(): BoundConnector {
  const inner = bindAcme();
  const connector = defineConnector({
    id: 'acme-provisioning',
    version: '1.0.0',
    config: z.object({ provisioningUrl: z.url(), tenant: z.string() }),
    operations: {
      'account.create': async (ctx, { identity, username }) => {
        const response = await ctx.fetch(`${ctx.config.provisioningUrl}/accounts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: username ?? identity.id }),
        });
        const created = z.object({ id: z.string(), username: z.string() }).parse(await response.json());
        return { id: created.id, username: created.username, status: 'active' as const };
      },
      'account.get': (_ctx, input) => inner.call('account.get', input),
      'account.list': (_ctx, input) => inner.call('account.list', input),
      'entitlement.list': (_ctx, input) => inner.call('entitlement.list', input),
      'entitlement.grant': (_ctx, input) => inner.call('entitlement.grant', input),
      'entitlement.revoke': (_ctx, input) => inner.call('entitlement.revoke', input),
    },
  });
  return connector.with(
    { provisioningUrl: provisioning.url, tenant: TENANT },
    staticCredential('unused-provisioning-key'),
    { policy: policy(), tenant: TENANT },
  );
}

const event = {
  reason: 'New deploy bot for the payments team',
  actor: { kind: 'person' as const, id: 'alice' },
};
const identity = { id: 'svc-deploy', kind: 'service_account' as const };

function recorder() {
  const events: AuditEvent[] = [];
  const audit = createAuditEmitter({
    sinks: [
      callbackSink((batch) => {
        events.push(...batch);
      }),
    ],
  });
  return { events, audit };
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const membership = (group: string, account: string) => target.effects('membership', `${group}/${account}`);

describe('a joiner', () => {
  it('creates the account once, grants every entitlement to it, verified, and a resume repeats nothing', async () => {
    const { events, audit } = recorder();
    const store = memoryStore();
    const lifeline = createLifecycle({
      connectors: { acme: bindProvisioningAcme() },
      store,
      audit,
      fallback: manualQueue(),
      verify: { attempts: 3, initialDelayMs: 10 },
    });
    const report = await lifeline.onboard({
      identity,
      event,
      access: { acme: { entitlements: [{ id: 'grp_deploy' }, { id: 'grp_read', kind: 'group' }] } },
    });
    await audit.flush();

    expect(report.status).toBe('completed');
    expect(report.kind).toBe('onboard');
    expect(provisioning.creates).toBe(1);
    const create = report.steps.find((s) => s.action === 'account.create');
    expect(create).toMatchObject({
      state: 'done',
      outcome: 'applied',
      verified: true,
      objectId: 'svc-deploy',
    });
    const accountId = create?.account?.id ?? '';
    expect(target.state.account(TENANT, accountId)).toBeDefined();
    const grants = report.steps.filter((s) => s.action === 'entitlement.grant');
    expect(grants.map((s) => s.objectId).sort()).toEqual([
      `${accountId}/grp_deploy`,
      `${accountId}/grp_read`,
    ]);
    for (const grant of grants)
      expect(grant).toMatchObject({
        state: 'done',
        outcome: 'applied',
        verified: true,
        evidence: { method: 'list', observed: 'present' },
      });
    for (const group of ['grp_deploy', 'grp_read']) {
      expect(target.state.group(TENANT, group)?.members).toEqual([accountId]);
      expect(membership(group, accountId).applied).toBe(1);
    }

    const completed = events.filter((e) => e.type === 'step.completed');
    expect(completed.map((e) => e.action).sort()).toEqual([
      'account.create',
      'entitlement.grant',
      'entitlement.grant',
    ]);
    for (const e of completed) expect(e.outcome).toMatchObject({ status: 'applied', verified: true });
    // The create settled before any grant started.
    expect(completed[0]?.action).toBe('account.create');

    const resumed = await lifeline.resume(report.runId);
    expect(resumed.status).toBe('completed');
    expect(provisioning.creates).toBe(1);
    for (const group of ['grp_deploy', 'grp_read']) expect(membership(group, accountId).requests).toBe(1);
  });

  it('never sends a create again when its response was lost, and escalates it with a receipt', async () => {
    provisioning.mode = 'reset-after-create';
    const lifeline = createLifecycle({
      connectors: { acme: bindProvisioningAcme() },
      fallback: manualQueue(),
      stepDeadlineMs: 2000,
      verify: { attempts: 2, initialDelayMs: 10 },
    });
    const report = await lifeline.onboard({
      identity,
      event,
      access: { acme: { entitlements: [{ id: 'grp_deploy' }] } },
    });

    expect(provisioning.creates).toBe(1);
    expect(report.status).toBe('completed_with_escalations');
    const create = report.steps.find((s) => s.action === 'account.create');
    expect(create).toMatchObject({ state: 'escalated', verified: false });
    expect(create?.error?.message).toContain('may have reached the target; not retried');
    expect(create?.escalation?.receipt).toMatch(/^task:/);
    const grant = report.steps.find((s) => s.action === 'entitlement.grant');
    expect(grant).toMatchObject({
      state: 'escalated',
      error: { message: expect.stringContaining('grant withheld') },
    });
    expect(target.state.group(TENANT, 'grp_deploy')?.members).toEqual([]);
    expect((await lifeline.tasks()).map((t) => t.id).sort()).toEqual([
      `task:${report.runId}:acme:account.create:svc-deploy`,
      `task:${report.runId}:acme:entitlement.grant:svc-deploy/grp_deploy`,
    ]);
  });

  it('adopts the account an interrupted create made instead of creating a second one', async () => {
    const store = memoryStore();
    let dead = false;
    // A worker that dies right after the target created the account, before the ledger recorded it.
    const dying = new Proxy(store, {
      get(base, name) {
        if (name === 'complete' && !dead) {
          return async () => {
            dead = true;
            throw new Error('worker killed');
          };
        }
        const value = Reflect.get(base, name) as unknown;
        return typeof value === 'function' ? value.bind(base) : value;
      },
    });
    const bound = bindProvisioningAcme();
    const options = { eventId: 'evt-joiner-1', leaseMs: 100, verify: { attempts: 2, initialDelayMs: 10 } };
    await expect(
      createAccount(bound, { identity }, { ...options, store: dying, owner: 'w1' }),
    ).rejects.toThrow('worker killed');
    expect(provisioning.creates).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, 150)); // the dead worker's lease expires
    const outcome = await createAccount(bound, { identity }, { ...options, store, owner: 'w2' });
    expect(provisioning.creates).toBe(1);
    expect(outcome).toMatchObject({
      status: 'already_present',
      verified: true,
      account: { username: 'svc-deploy' },
    });
    expect(target.state.account(TENANT, outcome.account?.id ?? '')).toBeDefined();

    const replay = await createAccount(bound, { identity }, { ...options, store, owner: 'w3' });
    expect(replay).toMatchObject({ replayed: true, account: outcome.account });
    expect(provisioning.creates).toBe(1);
  });
});

describe('a mover', () => {
  it('removes the entitlements it no longer needs before it adds the new ones', async () => {
    const account = target.addAccount(TENANT, {
      id: 'acc_deploy',
      name: 'svc-deploy',
      type: 'service',
    } as never);
    for (const group of ['grp_old', 'grp_legacy', 'grp_keep']) target.addMember(TENANT, group, account.id);
    target.resetCounters();
    const { events, audit } = recorder();
    const lifeline = createLifecycle({
      connectors: { acme: bindAcme() },
      audit,
      fallback: manualQueue(),
      verify: { attempts: 3, initialDelayMs: 10 },
    });
    // Hold every removal at the target: no grant may start while one is unsettled.
    const hold = target.faults.add({
      operation: 'group.removeMember',
      tenant: TENANT,
      fault: { kind: 'hang' },
    });
    const running = lifeline.move({
      identity: { ...identity, externalIds: { acme: account.id } },
      event,
      access: { acme: { entitlements: [{ id: 'grp_keep' }, { id: 'grp_new' }, { id: 'grp_deploy' }] } },
    });
    await until(() => hold.matched === 2, 'both removals reached the target');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(membership('grp_new', account.id).requests).toBe(0);
    expect(membership('grp_deploy', account.id).requests).toBe(0);
    await hold.dispose();
    const report = await running;
    await audit.flush();

    expect(report.status).toBe('completed');
    expect(report.kind).toBe('move');
    expect(report.steps.map((s) => `${s.action} ${s.objectId} ${s.state}`).sort()).toEqual([
      `entitlement.grant ${account.id}/grp_deploy done`,
      `entitlement.grant ${account.id}/grp_new done`,
      `entitlement.revoke ${account.id}/grp_legacy done`,
      `entitlement.revoke ${account.id}/grp_old done`,
    ]);
    for (const group of ['grp_old', 'grp_legacy']) {
      expect(target.state.group(TENANT, group)?.members).toEqual([]);
      expect(membership(group, account.id).applied).toBe(1);
    }
    for (const group of ['grp_keep', 'grp_new', 'grp_deploy'])
      expect(target.state.group(TENANT, group)?.members).toEqual([account.id]);
    expect(membership('grp_keep', account.id).requests).toBe(0);
    for (const group of ['grp_new', 'grp_deploy']) expect(membership(group, account.id).applied).toBe(1);

    const terminal = events.filter((e) => e.type === 'step.completed').map((e) => e.action);
    expect(terminal).toEqual([
      'entitlement.revoke',
      'entitlement.revoke',
      'entitlement.grant',
      'entitlement.grant',
    ]);
  });

  it('escalates a grant the target refuses, with a receipt, and still finishes the rest', async () => {
    const account = target.addAccount(TENANT, {
      id: 'acc_deploy',
      name: 'svc-deploy',
      type: 'service',
    } as never);
    target.addMember(TENANT, 'grp_old', account.id);
    target.faults.add({
      operation: 'group.addMember',
      path: '/groups/grp_new/members',
      tenant: TENANT,
      fault: { kind: 'status', status: 403 },
    });
    const { events, audit } = recorder();
    const lifeline = createLifecycle({
      connectors: { acme: bindAcme() },
      audit,
      fallback: manualQueue(),
      stepDeadlineMs: 1000,
      verify: { attempts: 2, initialDelayMs: 10 },
    });
    const report = await lifeline.move({
      identity: { ...identity, externalIds: { acme: account.id } },
      event,
      access: { acme: { entitlements: [{ id: 'grp_new' }, { id: 'grp_deploy' }] } },
    });
    await audit.flush();

    expect(report.status).toBe('completed_with_escalations');
    const refused = report.steps.find((s) => s.objectId === `${account.id}/grp_new`);
    expect(refused).toMatchObject({
      action: 'entitlement.grant',
      state: 'escalated',
      verified: false,
      error: { code: 'forbidden' },
    });
    expect(refused?.escalation).toEqual({
      fallback: 'manual_queue',
      receipt: `task:${report.runId}:acme:entitlement.grant:${account.id}/grp_new`,
      reason: 'forbidden',
    });
    expect(report.steps.find((s) => s.objectId === `${account.id}/grp_deploy`)).toMatchObject({
      state: 'done',
      verified: true,
    });
    expect(report.steps.find((s) => s.objectId === `${account.id}/grp_old`)).toMatchObject({
      state: 'done',
      verified: true,
    });
    expect(target.state.group(TENANT, 'grp_new')?.members).toEqual([]);
    expect((await lifeline.tasks()).map((t) => t.id)).toEqual([refused?.escalation?.receipt]);
    const escalated = events.find((e) => e.type === 'step.escalated');
    expect(escalated).toMatchObject({ action: 'entitlement.grant', outcome: { status: 'escalated' } });
    expect(escalated?.fallback?.receipt).toBe(refused?.escalation?.receipt);
  });
});

describe('a dry run of a joiner or a mover', () => {
  it('plans every step and touches nothing', async () => {
    const account = target.addAccount(TENANT, {
      id: 'acc_deploy',
      name: 'svc-mover',
      type: 'service',
    } as never);
    target.addMember(TENANT, 'grp_old', account.id);
    target.resetCounters();
    const lifeline = createLifecycle({ connectors: { acme: bindProvisioningAcme() } });

    const joiner = await lifeline.onboard({
      identity,
      event,
      dryRun: true,
      access: { acme: { entitlements: [{ id: 'grp_deploy' }, { id: 'grp_read' }] } },
    });
    expect(joiner.status).toBe('planned');
    expect(joiner.steps.map((s) => `${s.action} ${s.outcome}`)).toEqual([
      'account.create planned',
      'entitlement.grant planned',
      'entitlement.grant planned',
    ]);

    const mover = await lifeline.move({
      identity: { id: 'svc-mover', kind: 'service_account', externalIds: { acme: account.id } },
      event,
      dryRun: true,
      access: { acme: { entitlements: [{ id: 'grp_new' }] } },
    });
    expect(mover.status).toBe('planned');
    expect(mover.steps.map((s) => `${s.action} ${s.objectId} ${s.outcome}`)).toEqual([
      `entitlement.revoke ${account.id}/grp_old planned`,
      `entitlement.grant ${account.id}/grp_new planned`,
    ]);

    expect(provisioning.creates).toBe(0);
    for (const group of ['grp_deploy', 'grp_read', 'grp_old', 'grp_new'])
      expect(membership(group, account.id)).toMatchObject({ requests: 0, applied: 0 });
    expect(target.state.group(TENANT, 'grp_old')?.members).toEqual([account.id]);
  });
});
