import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  authoritativeDisable,
  createLifecycle,
  createResiliencePolicy,
  InvalidInputError,
  manualQueue,
  staticCredential,
  webhook,
} from 'lifeline';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acme } from '../../examples/acme';

let target: FakeTarget;
let receiver: Server;
let receiverUrl: string;
let posts: { body: unknown; authorization: string | undefined }[];
let failFirst: number;

beforeEach(async () => {
  target = await createFakeTarget({
    seed: 5,
    tenants: [
      { id: 'app', apiVersion: 'v2' },
      { id: 'idp', apiVersion: 'v2' },
    ],
  });
  target.addAccount('app', { id: 'acc_app', name: 'svc-x' });
  target.addAccount('idp', { id: 'acc_idp', name: 'svc-x' });
  await target.faults.outage({ mode: 'unavailable', tenant: 'app' });
  posts = [];
  failFirst = 1;
  receiver = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      if (failFirst-- > 0) {
        response.writeHead(503);
        response.end();
        return;
      }
      posts.push({ body: JSON.parse(text), authorization: request.headers.authorization });
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: `TCK-${posts.length}` }));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/escalations`;
});

afterEach(async () => {
  await target.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

const bind = (tenant: string) =>
  acme.with({ baseUrl: target.tenantUrl(tenant), tenant }, staticCredential(target.token(tenant)), {
    tenant,
    policy: createResiliencePolicy({
      retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
      breaker: false,
      timeout: 2000,
    }),
  });
const identity = {
  id: 'svc-x',
  kind: 'service_account' as const,
  externalIds: { app: 'acc_app', idp: 'acc_idp' },
};
const event = {
  reason: 'vendor offboarded',
  actor: { kind: 'person' as const, id: 'carol' },
  ticket: 'SEC-9',
};

describe('fallbacks', () => {
  it('posts an escalation to a webhook, retrying a 503, and keeps its ticket id as the receipt', async () => {
    const lifeline = createLifecycle({
      connectors: { app: bind('app') },
      fallback: [webhook(receiverUrl, { retries: 2 })],
      stepDeadlineMs: 100,
    });
    const report = await lifeline.offboard({ identity, event });
    expect(report.status).toBe('completed_with_escalations');
    const disable = report.steps.find((s) => s.action === 'account.disable');
    expect(disable?.escalation).toEqual({
      fallback: 'webhook',
      receipt: expect.stringMatching(/^TCK-\d$/),
      reason: expect.any(String),
    });
    expect(posts.map((p) => (p.body as { connector: string }).connector)).toEqual(['app', 'app']);
    expect(JSON.stringify(posts)).not.toContain(target.token('app'));
  });

  it('disables the identity at the source of truth when the target cannot be changed', async () => {
    const lifeline = createLifecycle({
      connectors: { app: bind('app') },
      fallback: [
        authoritativeDisable(bind('idp'), { accountId: (subject) => subject.externalIds?.idp ?? subject.id }),
        manualQueue(),
      ],
      stepDeadlineMs: 100,
    });
    const report = await lifeline.offboard({ identity, event });
    expect(report.status).toBe('completed_with_escalations');
    const disable = report.steps.find((s) => s.stepId === 'app:account.disable:acc_app');
    expect(disable?.escalation).toMatchObject({
      fallback: 'authoritative_disable:acme',
      receipt: 'acme:acc_idp:disabled:verified',
    });
    expect(target.state.account('idp', 'acc_idp')?.status).toBe('disabled');
    expect(target.effects('account', 'acc_idp', 'idp').applied).toBe(1);
  });

  it('passes a step on to the next fallback when one cannot take it', async () => {
    failFirst = 100;
    const lifeline = createLifecycle({
      connectors: { app: bind('app') },
      fallback: [webhook(receiverUrl, { retries: 1 }), manualQueue()],
      stepDeadlineMs: 100,
    });
    const report = await lifeline.offboard({ identity, event });
    const disable = report.steps.find((s) => s.action === 'account.disable');
    expect(disable?.escalation?.fallback).toBe('manual_queue');
  });

  it('rejects a webhook without a valid URL', () => {
    expect(() => webhook('not a url')).toThrow(InvalidInputError);
  });
});
