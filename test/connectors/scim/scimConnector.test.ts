import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, type ScimServer, startScimServer } from '../../helpers/scimServer';
import { bindTo, rejectionOf } from './support';

const SERVICE_USERS = Array.from({ length: 23 }, (_, i) => ({
  userName: `svc-batch-${String(i).padStart(2, '0')}`,
  userType: 'Service',
}));

let server: ScimServer;

beforeAll(async () => {
  server = await startScimServer({
    users: [
      {
        userName: 'svc-ci',
        userType: 'ServiceAccount',
        displayName: 'CI pipeline',
        externalId: 'idp-svc-ci',
        roles: [{ value: 'deployer', display: 'Deployer' }],
        enterprise: { department: 'Platform', employeeNumber: 'NHI-7' },
      },
      { userName: 'alice', displayName: 'Alice Liddell', name: { formatted: 'Alice Liddell' } },
      { userName: 'bot-renovate' },
      ...SERVICE_USERS,
    ],
    groups: [
      { displayName: 'admins', members: ['svc-ci', 'alice'] },
      { displayName: 'deployers', members: ['svc-ci'] },
    ],
  });
});

afterAll(async () => {
  await server?.close();
});

function bind(config: Record<string, unknown> = {}) {
  return bindTo(server, config);
}

describe('the SCIM connector against scimmy', () => {
  it('tests the connection and reports what discovery found', async () => {
    const result = await bind().call('connection.test', {});
    expect(result.ok).toBe(true);
    expect(result.details).toMatchObject({
      discovered: true,
      patch: true,
      etag: false,
      filter: true,
      enterpriseExtension: true,
    });
  });

  it('discovers the schema: endpoints, capabilities and the User attributes', async () => {
    const result = await bind().call('schema.discover', {});
    expect(result.version).toBe('scim-2.0');
    expect(result.details).toMatchObject({ userEndpoint: '/Users', groupEndpoint: '/Groups', roles: true });
    expect(String(result.details?.userAttributes)).toContain('userName');
  });

  it('lists every user across pages exactly once', async () => {
    const bound = bind({ pageSize: 5 });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await bound.call('account.list', cursor === undefined ? {} : { cursor });
      seen.push(...page.items.map((a) => a.username ?? ''));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 50);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...server.users.values()].map((u) => u.userName).sort());
    expect(pages).toBe(Math.ceil(server.users.size / 5));
  });

  it('maps a service account with its enterprise attributes, external id and absolute location', async () => {
    const id = server.userId('svc-ci');
    const account = await bind().call('account.get', { account: { id } });
    expect(account).toMatchObject({
      id,
      username: 'svc-ci',
      status: 'active',
      kind: 'service_account',
      identityId: 'idp-svc-ci',
      displayName: 'CI pipeline',
      attributes: { userType: 'ServiceAccount', department: 'Platform', employeeNumber: 'NHI-7' },
    });
    expect(account.attributes?.location).toBe(`${server.baseUrl}/Users/${id}`);
  });

  it('maps users to kinds with userType, enterprise and userName rules, others as human', async () => {
    const bound = bind({
      kindRules: [
        { kind: 'workload', enterprise: { attribute: 'department', values: ['platform'] } },
        { kind: 'bot', userNamePattern: '^bot-' },
      ],
    });
    const kinds = async (userName: string) =>
      (await bound.call('account.get', { account: { id: server.userId(userName) } })).kind;
    expect(await kinds('svc-ci')).toBe('workload');
    expect(await kinds('bot-renovate')).toBe('bot');
    expect(await kinds('alice')).toBe('human');
    expect(await kinds('svc-batch-00')).toBe('human');
    expect((await bind().call('account.get', { account: { id: server.userId('svc-batch-00') } })).kind).toBe(
      'service_account',
    );
  });

  it('finds a user by userName whatever its case', async () => {
    const page = await bind().call('account.list', { filter: { username: 'SVC-CI' } });
    expect(page.items.map((a) => a.username)).toEqual(['svc-ci']);
  });

  it('finds a user by its identity id (externalId)', async () => {
    const page = await bind().call('account.list', { filter: { identityId: 'idp-svc-ci' } });
    expect(page.items.map((a) => a.username)).toEqual(['svc-ci']);
  });

  it('creates a service account with the enterprise extension, and refuses a duplicate as already_exists', async () => {
    const bound = bind();
    const identity = { id: 'svc-new', kind: 'service_account' as const, displayName: 'New service' };
    const account = await bound.call('account.create', {
      identity,
      attributes: { department: 'Data', costCenter: 'CC-42' },
    });
    expect(account).toMatchObject({ username: 'svc-new', kind: 'service_account', status: 'active' });
    const stored = server.users.get(account.id);
    expect(stored).toMatchObject({
      userType: 'service',
      externalId: 'svc-new',
      enterprise: { department: 'Data', costCenter: 'CC-42' },
    });
    const error = await rejectionOf(
      bound.call('account.create', { identity, username: 'SVC-NEW' }),
      'already_exists',
    );
    expect(error.message).toContain('uniqueness');
  });

  it('rejects create attributes it does not know before sending anything', async () => {
    const before = server.requestsTo('POST', '/Users').length;
    const error = await rejectionOf(
      bind().call('account.create', {
        identity: { id: 'x', kind: 'bot' },
        attributes: { password: 'hunter2' },
      }),
      'invalid_input',
    );
    expect((error as unknown as { issues: { path: string[] }[] }).issues[0]?.path).toEqual([
      'attributes',
      'password',
    ]);
    expect(server.requestsTo('POST', '/Users').length).toBe(before);
  });

  it('disables with PATCH active=false, and a repeated disable (204) still succeeds', async () => {
    const id = server.userId('svc-batch-01');
    const bound = bind();
    await bound.call('account.disable', { account: { id } });
    expect(server.users.get(id)?.active).toBe(false);
    const patches = server.requestsTo('PATCH', `/Users/${id}`);
    expect(patches[0]?.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    await bound.call('account.disable', { account: { id } });
    expect(server.requestsTo('PATCH', `/Users/${id}`)).toHaveLength(2);
    expect((await bound.call('account.get', { account: { id } })).status).toBe('disabled');
    await bound.call('account.enable', { account: { id } });
    expect(server.users.get(id)?.active).toBe(true);
  });

  it('deletes a user, and a second delete is not_found (already absent)', async () => {
    const id = server.userId('svc-batch-02');
    const bound = bind();
    await bound.call('account.delete', { account: { id } });
    expect(server.users.has(id)).toBe(false);
    await rejectionOf(bound.call('account.delete', { account: { id } }), 'not_found');
    await rejectionOf(bound.call('account.get', { account: { id } }), 'not_found');
  });

  it('lists a user’s groups and roles as entitlements', async () => {
    const id = server.userId('svc-ci');
    const page = await bind().call('entitlement.list', { account: { id } });
    expect(page.items).toEqual(
      expect.arrayContaining([
        { id: server.groupId('admins'), kind: 'group', name: 'admins', accountId: id },
        { id: server.groupId('deployers'), kind: 'group', name: 'deployers', accountId: id },
        { id: 'deployer', kind: 'role', name: 'Deployer', accountId: id },
      ]),
    );
    expect(page.items).toHaveLength(3);
  });

  it('lists all groups when no account is given', async () => {
    const page = await bind().call('entitlement.list', {});
    expect(page.items.map((e) => e.name).sort()).toEqual(['admins', 'deployers']);
  });

  it('removes a group membership with the members[value eq "id"] path; again is not_found', async () => {
    const id = server.userId('alice');
    const group = server.groupId('admins');
    const bound = bind();
    await bound.call('entitlement.revoke', { account: { id }, entitlement: { id: group, kind: 'group' } });
    expect(server.groups.get(group)?.members.map((m) => m.value)).not.toContain(id);
    const patch = server.requestsTo('PATCH', `/Groups/${group}`).at(-1);
    expect(patch?.body).toMatchObject({ Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] });
    await rejectionOf(
      bound.call('entitlement.revoke', { account: { id }, entitlement: { id: group, kind: 'group' } }),
      'not_found',
    );
    await bound.call('entitlement.grant', { account: { id }, entitlement: { id: group, kind: 'group' } });
    expect(server.groups.get(group)?.members.map((m) => m.value)).toContain(id);
  });

  it('removes a group membership with the value-array form when configured', async () => {
    const id = server.userId('svc-ci');
    const group = server.groupId('deployers');
    await bind({ memberRemoval: 'valueArray' }).call('entitlement.revoke', {
      account: { id },
      entitlement: { id: group, kind: 'group' },
    });
    expect(server.groups.get(group)?.members).toEqual([]);
    expect(server.requestsTo('PATCH', `/Groups/${group}`).at(-1)?.body).toMatchObject({
      Operations: [{ op: 'remove', path: 'members', value: [{ value: id }] }],
    });
  });

  it('revokes and grants a role on the user', async () => {
    const id = server.userId('svc-ci');
    const bound = bind();
    await bound.call('entitlement.revoke', {
      account: { id },
      entitlement: { id: 'deployer', kind: 'role' },
    });
    expect(server.users.get(id)?.roles ?? []).toEqual([]);
    await rejectionOf(
      bound.call('entitlement.revoke', { account: { id }, entitlement: { id: 'deployer', kind: 'role' } }),
      'not_found',
    );
    await bound.call('entitlement.grant', { account: { id }, entitlement: { id: 'auditor', kind: 'role' } });
    expect(server.users.get(id)?.roles?.map((r) => r.value)).toEqual(['auditor']);
  });

  it('leaves credentials unsupported: SCIM core has none', async () => {
    await rejectionOf(bind().call('credential.list', {}), 'unsupported');
  });

  it('keeps the enterprise extension when it disables through PUT', async () => {
    const id = server.userId('svc-ci');
    await bind({ patch: 'never' }).call('account.disable', { account: { id } });
    const put = server.requestsTo('PUT', `/Users/${id}`).at(-1);
    expect(put?.body).toMatchObject({ active: false, [ENTERPRISE]: { department: 'Platform' } });
    expect(server.users.get(id)).toMatchObject({ active: false, enterprise: { department: 'Platform' } });
  });
});
