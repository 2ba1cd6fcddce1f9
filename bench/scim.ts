/**
 * SCIM connector benchmark against a real scimmy server on 127.0.0.1:
 * disabling N service accounts and removing each from a group, through the
 * connector (direct policy, and the default resilience policy) versus
 * hand-written `fetch` calls sending the same PATCH requests (the baseline).
 * Also a full paged list of the N users. Reports ms per operation and ratios.
 *
 *   npx tsx bench/scim.ts [users]
 */
import { performance } from 'node:perf_hooks';
import { directPolicy, staticCredential } from 'lifeline';
import { createScimConnector } from 'lifeline/connectors/scim';
import { startScimServer } from '../test/helpers/scimServer';

const COUNT = Number(process.argv[2] ?? 200);
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const users = Array.from({ length: COUNT }, (_, i) => ({ userName: `svc-${i}`, userType: 'Service' }));
const server = await startScimServer({
  users,
  groups: [{ displayName: 'ops', members: users.map((u) => u.userName) }],
});
const ids = users.map((u) => server.userId(u.userName));
const groupId = server.groupId('ops');
const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' };

function reset(): void {
  for (const id of ids) {
    const user = server.users.get(id);
    if (user) user.active = true;
  }
  const group = server.groups.get(groupId);
  if (group) group.members = ids.map((value) => ({ value }));
  server.requests.length = 0;
}

async function time(label: string, run: () => Promise<void>): Promise<number> {
  reset();
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  const stillActive = ids.filter((id) => server.users.get(id)?.active).length;
  console.log(
    `${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / COUNT).toFixed(2)} ms/account  (${stillActive} still active)`,
  );
  return ms;
}

async function rawOffboard(id: string): Promise<void> {
  const disable = await fetch(`${server.baseUrl}/Users/${id}`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify({
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    }),
  });
  await disable.arrayBuffer();
  const leave = await fetch(`${server.baseUrl}/Groups/${groupId}`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify({
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }],
    }),
  });
  await leave.arrayBuffer();
}

const scim = createScimConnector();
const direct = scim.with({ baseUrl: server.baseUrl }, staticCredential(server.token), {
  policy: directPolicy,
});
const resilient = scim.with({ baseUrl: server.baseUrl, tenant: 'bench' }, staticCredential(server.token));

async function connectorOffboard(bound: typeof direct, id: string): Promise<void> {
  await bound.call('entitlement.revoke', { account: { id }, entitlement: { id: groupId, kind: 'group' } });
  await bound.call('account.disable', { account: { id } });
}

console.log(`SCIM bench: ${COUNT} service accounts in one group, sequential, scimmy on 127.0.0.1`);
await time('warm-up (raw fetch)', async () => {
  for (const id of ids.slice(0, 20)) await rawOffboard(id);
});
const baseline = await time('baseline: raw fetch, 2 PATCH per account', async () => {
  for (const id of ids) await rawOffboard(id);
});
const viaDirect = await time('connector, direct policy', async () => {
  for (const id of ids) await connectorOffboard(direct, id);
});
const requestsPerAccount = server.requests.length / COUNT;
const viaResilient = await time('connector, default resilience policy', async () => {
  for (const id of ids) await connectorOffboard(resilient, id);
});
console.log(`requests per account through the connector: ${requestsPerAccount.toFixed(2)} (baseline 2)`);
console.log(`ratio connector(direct)/baseline:    ${(viaDirect / baseline).toFixed(2)}x`);
console.log(`ratio connector(resilient)/baseline: ${(viaResilient / baseline).toFixed(2)}x`);

reset();
const listStart = performance.now();
let cursor: string | undefined;
let listed = 0;
do {
  const page = await direct.call(
    'account.list',
    cursor === undefined ? { pageSize: 100 } : { cursor, pageSize: 100 },
  );
  listed += page.items.length;
  cursor = page.nextCursor;
} while (cursor !== undefined);
console.log(
  `account.list of ${listed} users, pages of 100: ${(performance.now() - listStart).toFixed(0)} ms`,
);
await server.close();
