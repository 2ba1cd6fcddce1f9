/**
 * Small in-process connectors for engine tests where the fake target cannot
 * play the part: a target whose read-back lags, and one that cannot be read back.
 */
import { defineConnector, NotFoundError } from 'lifeline';
import { z } from 'zod';

/** An eventually consistent key store: a revoked key reads as active for `lagReads` reads. */
export function laggingTarget(lagReads: number) {
  const keys = new Map<string, { revoked: boolean; staleReads: number }>([
    ['k_1', { revoked: false, staleReads: 0 }],
  ]);
  const reads: number[] = [];
  const connector = defineConnector({
    id: 'lagging',
    version: '1.0.0',
    config: z.object({ tenant: z.string() }),
    resilience: false,
    operations: {
      'credential.revoke': async (_ctx, { credential }) => {
        const key = keys.get(credential.id);
        if (key === undefined || key.revoked) throw new NotFoundError(`Key ${credential.id} is gone.`);
        key.revoked = true;
        key.staleReads = lagReads;
      },
      'credential.get': async (_ctx, { credential }) => {
        reads.push(Date.now());
        const key = keys.get(credential.id);
        if (key === undefined) throw new NotFoundError(`Key ${credential.id} is gone.`);
        const stale = key.staleReads > 0;
        if (stale) key.staleReads--;
        return {
          id: credential.id,
          kind: 'api_key' as const,
          status: key.revoked && !stale ? ('revoked' as const) : ('active' as const),
        };
      },
    },
  });
  return { bound: connector.with({ tenant: 'lag' }), reads };
}

/** A target that can revoke but offers no get or list to read back; `gate` holds every revoke until it resolves. */
export function writeOnlyTarget(gate?: Promise<void>) {
  let revokes = 0;
  const connector = defineConnector({
    id: 'write-only',
    version: '1.0.0',
    config: z.object({ tenant: z.string() }),
    resilience: false,
    operations: {
      'credential.revoke': async () => {
        revokes++;
        await gate;
      },
    },
  });
  return { bound: connector.with({ tenant: 'wo' }), revokes: () => revokes };
}
