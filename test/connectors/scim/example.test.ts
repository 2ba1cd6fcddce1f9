import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offboardServiceAccount } from '../../../examples/scim/offboardServiceAccount';
import { type ScimServer, startScimServer } from '../../helpers/scimServer';

let server: ScimServer;

beforeAll(async () => {
  server = await startScimServer({
    users: [
      { userName: 'svc-etl', userType: 'Service', roles: [{ value: 'writer' }] },
      { userName: 'alice' },
    ],
    groups: [
      { displayName: 'data', members: ['svc-etl', 'alice'] },
      { displayName: 'ops', members: ['svc-etl'] },
    ],
  });
});

afterAll(async () => {
  await server?.close();
});

describe('the SCIM offboarding example', () => {
  it('strips every group and role from the service account and disables it', async () => {
    const result = await offboardServiceAccount(server.baseUrl, server.token, 'SVC-ETL');
    const id = server.userId('svc-etl');
    expect(result).toMatchObject({ accountId: id, disabled: true, alreadyAbsent: [] });
    expect(result?.removed.sort()).toEqual(
      [`group:${server.groupId('data')}`, `group:${server.groupId('ops')}`, 'role:writer'].sort(),
    );
    expect([...server.groups.values()].flatMap((g) => g.members.map((m) => m.value))).toEqual([
      server.userId('alice'),
    ]);
    expect(server.users.get(id)).toMatchObject({ active: false });
  });

  it('refuses to run on a human account', async () => {
    await expect(offboardServiceAccount(server.baseUrl, server.token, 'alice')).rejects.toThrow(/human/);
  });

  it('returns nothing for an unknown user', async () => {
    expect(await offboardServiceAccount(server.baseUrl, server.token, 'nobody')).toBeUndefined();
  });
});
