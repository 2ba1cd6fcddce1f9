import type { AuditEventInput } from '../../src/audit';

export const lifecycleEvent = {
  id: 'evt-leaver-1',
  type: 'leaver' as const,
  reason: 'Integration retired',
  ticket: 'SEC-1234',
};
export const actor = { kind: 'person' as const, id: 'alice', displayName: 'Alice Admin' };
export const subject = { id: 'svc-ci', kind: 'service_account' as const, owner: { id: 'team-platform' } };

export function revokedStep(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    type: 'step.completed',
    runId: 'run-1',
    stepId: 'step-1',
    lifecycleEvent,
    actor,
    subject,
    action: 'credential.revoke',
    target: {
      connector: 'acme',
      connectorVersion: '1.4.0',
      adapterVersion: '2024-06',
      tenant: 't1',
      object: { connector: 'acme', tenant: 't1', kind: 'credential', id: 'k_1' },
      credentialKind: 'api_key',
      objectLabel: 'CI deploy key',
    },
    outcome: {
      status: 'revoked',
      verified: true,
      evidence: { method: 'read_back', checkedAt: '2026-01-05T10:00:01.000Z', observed: 'status=revoked' },
    },
    trace: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', sampled: true },
    ...overrides,
  } as AuditEventInput;
}

/** Polls `condition` until true (robust on a loaded machine). */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
