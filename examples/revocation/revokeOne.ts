/**
 * docs/revocation.md's example, type-checked with the rest of the project:
 * revoke one API key of a departed service account, once, and act on the outcome.
 */
import { type BoundConnector, isFinished, memoryStore, revoke, type Store } from 'lifeline';

/** Revokes `keyId` for the leaver event `eventId`; returns whether the step is finished. */
export async function revokeOne(
  acme: BoundConnector,
  keyId: string,
  accountId: string,
  eventId: string,
  store: Store = memoryStore(),
): Promise<boolean> {
  const outcome = await revoke(
    acme,
    { kind: 'credential', credential: { id: keyId, accountId } },
    { store, eventId, verify: { attempts: 4, initialDelayMs: 250 } },
  );
  switch (outcome.status) {
    case 'revoked':
    case 'already_absent':
      // `verified` is true only when a read-back (or the connector's own check) proved it.
      return isFinished(outcome); // evidence: outcome.evidence?.observed, adapterVersion, at
    case 'failed':
      // Remembered in the ledger: a retryable error continues on the next revoke with the same
      // key; a permanent one (forbidden, ...) stays failed until `store.reset(outcome.key)`.
      if (outcome.error?.retryable) return false;
      await escalate(outcome.key, outcome.error?.code ?? 'permanent');
      return false;
    default:
      return isFinished(outcome);
  }
}

async function escalate(key: string, code: string): Promise<void> {
  // Hand the step to a human or a fallback (the lifecycle layer does this with a receipt).
  void key;
  void code;
}
