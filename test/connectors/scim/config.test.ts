import { isLifelineError, staticCredential } from 'lifeline';
import {
  classifyScimError,
  decodeListCursor,
  encodeListCursor,
  resolveAccountKind,
  ScimConfig,
  scim,
  scimTypeOf,
} from 'lifeline/connectors/scim';
import { describe, expect, it } from 'vitest';

function bindError(config: Record<string, unknown>): {
  code: string;
  issues: { path: (string | number)[] }[];
} {
  try {
    scim.with(config as never, staticCredential('t'));
  } catch (error) {
    if (isLifelineError(error)) return error as never;
    throw error;
  }
  throw new Error('expected with() to throw');
}

describe('SCIM connector config', () => {
  it('drops a trailing slash from baseUrl and applies defaults', () => {
    const config = ScimConfig.parse({ baseUrl: 'https://idp.example.com/scim/v2/' });
    expect(config).toMatchObject({
      baseUrl: 'https://idp.example.com/scim/v2',
      pageSize: 100,
      useEtag: true,
      patch: 'auto',
    });
    expect(config.kindRules.length).toBeGreaterThan(0);
  });

  it('lists every bad field as invalid_input', () => {
    const error = bindError({
      baseUrl: 'ftp://x',
      pageSize: 0,
      kindRules: [
        { kind: 'service_account', userNamePattern: '(' },
        { kind: 'bot' },
        { kind: 'human', userType: 'x' },
      ],
    });
    expect(error.code).toBe('invalid_input');
    const paths = error.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'baseUrl',
        'pageSize',
        'kindRules.0.userNamePattern',
        'kindRules.1',
        'kindRules.2.kind',
      ]),
    );
  });
});

describe('kind rules', () => {
  const config = ScimConfig.parse({
    baseUrl: 'https://x.test',
    kindRules: [
      { kind: 'ai_agent', userNamePattern: '^agent-' },
      { kind: 'workload', enterprise: { attribute: 'costCenter', values: ['K8S', 'ecs'] } },
      { kind: 'service_account', userType: 'Service' },
    ],
  });

  it('applies the first matching rule, comparing values case-insensitively', () => {
    expect(resolveAccountKind({ id: '1', userName: 'agent-7', userType: 'service' }, config)).toBe(
      'ai_agent',
    );
    expect(
      resolveAccountKind(
        {
          id: '2',
          userName: 'x',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { costCenter: 'k8s' },
        },
        config,
      ),
    ).toBe('workload');
    expect(resolveAccountKind({ id: '3', userName: 'y', userType: 'SERVICE' }, config)).toBe(
      'service_account',
    );
  });

  it('calls everyone else human', () => {
    expect(resolveAccountKind({ id: '4', userName: 'alice', userType: 'Employee' }, config)).toBe('human');
  });
});

describe('list cursors', () => {
  it('round-trip and reject anything else', () => {
    expect(decodeListCursor(encodeListCursor({ startIndex: 41, previousFirstId: 'u1' }))).toEqual({
      startIndex: 41,
      previousFirstId: 'u1',
    });
    expect(() => decodeListCursor('eyJzIjowfQ')).toThrow(/cursor/);
  });
});

describe('classifyScimError', () => {
  const scimError = (status: number | string, scimType?: string) => ({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: Number(status),
    ...(scimType === undefined ? {} : { scimType }),
  });

  it.each([
    [409, 'uniqueness', 'already_exists'],
    [400, 'uniqueness', 'already_exists'],
    [409, undefined, 'conflict'],
    [412, undefined, 'conflict'],
    [400, 'invalidFilter', 'invalid_input'],
    [404, undefined, 'not_found'],
    [401, undefined, 'auth_failed'],
    [500, undefined, 'transient'],
    [501, undefined, 'unsupported'],
  ])('maps HTTP %i with scimType %s to %s', (status, scimType, code) => {
    const error = classifyScimError({ status, scim: scimError(status, scimType) });
    expect(error.code).toBe(code);
    expect(scimTypeOf(error)).toBe(scimType);
  });

  it('never repeats the server detail, which may echo request values', () => {
    const error = classifyScimError({
      status: 400,
      scim: { ...scimError(400, 'invalidValue'), detail: 'password hunter2 is too weak' },
    });
    expect(error.message).not.toContain('hunter2');
  });
});
