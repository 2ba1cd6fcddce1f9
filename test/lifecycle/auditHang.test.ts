import {
  type AuditEvent,
  type AuditSink,
  createAuditEmitter,
  createLifecycle,
  staticCredential,
} from 'lifeline';
import { createFakeTarget } from 'lifeline/testing';
import { expect, it } from 'vitest';
import { acme } from '../../examples/acme';

it('finishes an offboarding promptly while its audit sink hangs, and dead-letters the events', async () => {
  const target = await createFakeTarget({ seed: 9, tenants: [{ id: 'acme', apiVersion: 'v2' }] });
  try {
    const account = target.addAccount('acme', { id: 'acc_h', name: 'svc-h' });
    for (let i = 0; i < 6; i++) target.addKey('acme', account.id);
    const hanging: AuditSink = { name: 'hanging', write: () => new Promise<void>(() => {}) };
    const dead: AuditEvent[] = [];
    const audit = createAuditEmitter({
      sinks: [hanging],
      deadLetter: { name: 'dead', write: (events) => void dead.push(...events) },
      deliveryTimeoutMs: 4000,
      retry: { retries: 0 },
    });
    const lifeline = createLifecycle({
      connectors: {
        acme: acme.with(
          { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
          staticCredential(target.token('acme')),
        ),
      },
      audit,
    });
    const started = Date.now();
    const report = await lifeline.offboard({
      identity: { id: 'svc-h', kind: 'service_account', externalIds: { acme: 'acc_h' } },
      event: { reason: 'test', actor: { kind: 'system', id: 'ci' } },
    });
    const took = Date.now() - started;
    expect(report.status).toBe('completed');
    expect(report.summary.total).toBe(7);
    // One bounded flush (1 s) at most, then the run stops waiting; an unbounded flush would wait out the 4 s delivery timeout.
    expect(took).toBeLessThan(3500);
    await audit.close();
    expect(dead.filter((e) => e.type === 'step.completed').length).toBe(7);
  } finally {
    await target.close();
  }
});
