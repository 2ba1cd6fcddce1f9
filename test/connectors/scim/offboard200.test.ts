/**
 * Issue 8's lifecycle acceptance on SCIM: offboarding 200 service accounts,
 * each in two or three groups, through `createLifecycle` against a real
 * scimmy server ends with every account disabled (or deleted), out of every
 * group, every step verified, and a hash-chained audit log that verifies.
 * The end state is read from the server's own store, not through the connector.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditEvent,
  createAuditEmitter,
  createLifecycle,
  jsonlSink,
  type LifecycleReport,
  memoryStore,
  staticCredential,
  verifyAuditLog,
} from 'lifeline';
import { scim } from 'lifeline/connectors/scim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScimServer, type SeedUser, startScimServer } from '../../helpers/scimServer';

const ACCOUNTS = 200;
const GROUPS = 20;
/** Offboardings running at once (each runs its own steps with the lifecycle's bounded concurrency). */
const CONCURRENT_RUNS = 8;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const userName = (i: number) => `svc-${pad(i, 3)}`;
const identityId = (i: number) => `nhi-${pad(i, 3)}`;
const groupName = (g: number) => `team-${pad(g, 2)}`;
/** Groups of service account `i`: two for everyone, a third for every third account. */
const groupsOf = (i: number) => [i % GROUPS, (i + 1) % GROUPS, ...(i % 3 === 0 ? [(i + 10) % GROUPS] : [])];
/** Every fourth account is deleted after its disable; the rest are only disabled. */
const deleted = (i: number) => i % 4 === 3;

const indexes = Array.from({ length: ACCOUNTS }, (_, i) => i);

let server: ScimServer;
let dir: string;

beforeAll(async () => {
  // Both spellings are service accounts under the connector's default kind rules.
  const serviceAccounts: SeedUser[] = indexes.map((i) => ({
    userName: userName(i),
    externalId: identityId(i),
    displayName: `Service ${pad(i, 3)}`,
    userType: i % 2 === 0 ? 'ServiceAccount' : 'service',
  }));
  server = await startScimServer({
    users: [
      ...serviceAccounts,
      // Bystanders sharing the groups: neither may lose anything.
      { userName: 'alice', externalId: 'alice', displayName: 'Alice Liddell' },
      { userName: 'svc-keep', externalId: 'nhi-keep', userType: 'ServiceAccount' },
    ],
    groups: Array.from({ length: GROUPS }, (_, g) => ({
      displayName: groupName(g),
      members: [
        'alice',
        ...(g < 2 ? ['svc-keep'] : []),
        ...indexes.filter((i) => groupsOf(i).includes(g)).map(userName),
      ],
    })),
  });
  dir = await mkdtemp(join(tmpdir(), 'lifeline-scim-offboard-'));
});

afterAll(async () => {
  await server?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Runs `task` for every item, at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface ChainRecord {
  readonly kind: string;
  readonly event?: AuditEvent;
}

describe('offboarding 200 SCIM service accounts through createLifecycle against scimmy', () => {
  it('disables or deletes every account, removes it from every group, verifies every step, and leaves an audit chain that verifies', async () => {
    const bound = scim.with({ baseUrl: server.baseUrl, tenant: 'acme' }, staticCredential(server.token), {
      tenant: 'acme',
    });
    const userIds = indexes.map((i) => server.userId(userName(i)));

    // Precondition: the connector sees the seeded accounts as non-human.
    const kinds = new Map<string, string>();
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const result = await bound.call('account.list', cursor === undefined ? {} : { cursor });
      for (const account of result.items) kinds.set(account.username ?? '', account.kind ?? '');
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    for (const i of indexes) expect(kinds.get(userName(i))).toBe('service_account');
    expect(kinds.get('alice')).toBe('human');

    const auditPath = join(dir, 'audit.jsonl');
    const audit = createAuditEmitter({ sinks: [jsonlSink(auditPath, { checkpointEvery: 500 })] });
    const lifeline = createLifecycle({
      connectors: { scim: bound },
      store: memoryStore(),
      audit,
      stepDeadlineMs: 20_000,
      verify: { attempts: 3, initialDelayMs: 20 },
    });

    const started = performance.now();
    const reports: LifecycleReport[] = await pool(indexes, CONCURRENT_RUNS, (i) =>
      lifeline.offboard({
        identity: { id: identityId(i), kind: 'service_account', displayName: `Service ${pad(i, 3)}` },
        event: {
          reason: 'Batch retirement of the legacy integration fleet',
          actor: { kind: 'person', id: 'alice' },
          ticket: 'SEC-800',
        },
        ...(deleted(i) ? { delete: { afterMs: 0 } } : {}),
      }),
    );
    const runMs = performance.now() - started;
    await audit.close();
    const totalSteps = reports.reduce((sum, r) => sum + r.steps.length, 0);
    console.info(
      `[offboard200] ${ACCOUNTS} offboardings, ${totalSteps} steps, ${server.requests.length} SCIM requests in ${(runMs / 1000).toFixed(1)} s`,
    );

    // Every run completed, and planned exactly the seeded access: each group, the disable, the delete.
    for (const i of indexes) {
      const report = reports[i] as LifecycleReport;
      const id = userIds[i] as string;
      expect(report.status, `${identityId(i)}: ${report.reasons.join('; ')}`).toBe('completed');
      expect(report.discoveryFailures).toEqual([]);
      expect(report.stepsOmitted).toBe(false);
      const expected = [
        ...groupsOf(i).map((g) => `scim:entitlement.revoke:${id}/${server.groupId(groupName(g))}`),
        `scim:account.disable:${id}`,
        ...(deleted(i) ? [`scim:account.delete:${id}`] : []),
      ];
      expect(report.steps.map((s) => s.stepId).sort()).toEqual(expected.sort());
      for (const step of report.steps) {
        expect(step, `${identityId(i)} ${step.stepId}`).toMatchObject({ state: 'done', verified: true });
        expect(step.evidence?.observed).not.toBe('still_present');
      }
    }

    // The server's own state: no account active, none in any group.
    const members = new Set([...server.groups.values()].flatMap((g) => g.members.map((m) => m.value)));
    for (const i of indexes) {
      const id = userIds[i] as string;
      const user = server.users.get(id);
      if (deleted(i)) expect(user, `${userName(i)} should be deleted`).toBeUndefined();
      else expect(user?.active, `${userName(i)} should be disabled`).toBe(false);
      expect(members.has(id), `${userName(i)} is still in a group`).toBe(false);
    }
    // ... and the bystanders lost nothing.
    const alice = server.userId('alice');
    const keep = server.userId('svc-keep');
    expect(server.users.get(alice)?.active).toBe(true);
    expect(server.users.get(keep)?.active).toBe(true);
    for (const group of server.groups.values()) {
      expect(group.members.map((m) => m.value)).toContain(alice);
      if (group.displayName === groupName(0) || group.displayName === groupName(1))
        expect(group.members.map((m) => m.value)).toContain(keep);
    }

    // The audit chain verifies and holds exactly one terminal event per step.
    expect(audit.stats()).toMatchObject({ rejected: 0, dropped: 0, deadLettered: 0 });
    const verification = await verifyAuditLog(auditPath);
    expect(verification).toMatchObject({ ok: true });
    const records = (await readFile(auditPath, 'utf8'))
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as ChainRecord);
    const events = records.flatMap((r) => (r.kind === 'event' && r.event !== undefined ? [r.event] : []));
    expect(verification.ok && verification.events).toBe(events.length);
    const terminal = events.filter(
      (e) => e.type === 'step.completed' || e.type === 'step.failed' || e.type === 'step.escalated',
    );
    const keys = terminal.map((e) => `${e.runId}|${e.stepId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(reports.flatMap((r) => r.steps.map((s) => `${r.runId}|${s.stepId}`)).sort());
    for (const event of terminal) {
      expect(event).toMatchObject({
        type: 'step.completed',
        subject: { kind: 'service_account' },
        lifecycleEvent: { ticket: 'SEC-800' },
        outcome: { verified: true },
      });
    }
    const runIds = reports.map((r) => r.runId).sort();
    expect(
      events
        .filter((e) => e.type === 'run.started')
        .map((e) => e.runId)
        .sort(),
    ).toEqual(runIds);
    expect(
      events
        .filter((e) => e.type === 'run.completed')
        .map((e) => e.runId)
        .sort(),
    ).toEqual(runIds);
    expect(events.filter((e) => e.type === 'run.incomplete')).toEqual([]);
  }, 180_000);
});

describe('the same offboarding against a SCIM server that acknowledges writes without applying them', () => {
  it('reports every run incomplete with the unverified steps failed, never completed', async () => {
    const liar = await startScimServer({
      users: [0, 1, 2, 3].map((i) => ({
        userName: userName(i),
        externalId: identityId(i),
        userType: 'ServiceAccount',
      })),
      groups: [{ displayName: groupName(0), members: [0, 1, 2, 3].map(userName) }],
    });
    try {
      // Disables of accounts 0 and 1 and every group removal answer 204 and change nothing.
      const ignored = new Set([liar.userId(userName(0)), liar.userId(userName(1))]);
      liar.intercept((req, res, next) => {
        const id = /\/Users\/([^/]+)$/.exec(req.path)?.[1];
        if (req.method === 'PATCH' && (req.path.includes('/Groups/') || ignored.has(id ?? ''))) {
          res.status(204).end();
          return;
        }
        next();
      });
      const auditPath = join(dir, 'liar.jsonl');
      const audit = createAuditEmitter({ sinks: [jsonlSink(auditPath)] });
      const lifeline = createLifecycle({
        connectors: {
          scim: scim.with({ baseUrl: liar.baseUrl, tenant: 'liar' }, staticCredential(liar.token), {
            tenant: 'liar',
          }),
        },
        audit,
        verify: { attempts: 2, initialDelayMs: 10 },
      });
      const reports = await pool([0, 1, 2, 3], 4, (i) =>
        lifeline.offboard({
          identity: { id: identityId(i), kind: 'service_account' },
          event: { reason: 'Retired', actor: { kind: 'person', id: 'alice' } },
        }),
      );
      await audit.close();

      for (const [i, report] of reports.entries()) {
        const id = liar.userId(userName(i));
        expect(report.status).toBe('incomplete');
        const byAction = Object.fromEntries(report.steps.map((s) => [s.action, s]));
        expect(byAction['entitlement.revoke']).toMatchObject({
          state: 'failed',
          verified: false,
          error: { code: 'unverified' },
        });
        expect(byAction['account.disable']).toMatchObject(
          i < 2 ? { state: 'failed', verified: false } : { state: 'done', verified: true },
        );
        expect(liar.users.get(id)?.active).toBe(i < 2);
        expect(liar.groups.get(liar.groupId(groupName(0)))?.members.map((m) => m.value)).toContain(id);
      }
      expect(audit.stats()).toMatchObject({ rejected: 0, dropped: 0 });
      expect(await verifyAuditLog(auditPath)).toMatchObject({ ok: true });
      const events = (await readFile(auditPath, 'utf8'))
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as ChainRecord)
        .flatMap((r) => (r.event === undefined ? [] : [r.event]));
      const failed = events.filter((e) => e.type === 'step.failed');
      expect(failed).toHaveLength(6);
      for (const event of failed) expect(event.outcome).toMatchObject({ status: 'failed', verified: false });
      expect(events.filter((e) => e.type === 'run.incomplete')).toHaveLength(4);
      expect(events.filter((e) => e.type === 'run.completed')).toEqual([]);
    } finally {
      await liar.close();
    }
  }, 60_000);
});
