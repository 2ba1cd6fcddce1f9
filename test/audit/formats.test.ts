import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type AuditEvent,
  AuditEvent as AuditEventSchema,
  canonicalJson,
  createAuditEmitter,
  signSecurityEventToken,
  toCloudEvent,
  toNativeJson,
  toOcsf,
  toSecurityEventToken,
} from '../../src/audit';
import { revokedStep } from './fixtures';

function record(input = revokedStep()): AuditEvent {
  const audit = createAuditEmitter({ sinks: [], now: () => new Date('2026-01-05T10:00:00.000Z') });
  const event = audit.emit(input);
  if (!event) throw new Error('invalid fixture');
  return event;
}

// Schemas of the target formats, written from the specifications (CloudEvents 1.0, OCSF 1.x, RFC 8417 + CAEP 1.0).
const CloudEventSchema = z.strictObject({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().regex(/^[a-z0-9]+(\.[a-z0-9_]+)+$/),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1).optional(),
  datacontenttype: z.literal('application/json'),
  dataschema: z.string().min(1),
  traceparent: z
    .string()
    .regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
    .optional(),
  data: z.unknown(),
});
const OcsfSchema = z.looseObject({
  category_uid: z.literal(3),
  class_uid: z.union([z.literal(3001), z.literal(3004), z.literal(3007)]),
  activity_id: z.int(),
  type_uid: z.int(),
  time: z.int(),
  severity_id: z.int(),
  status_id: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(99)]),
  metadata: z.looseObject({
    version: z.string(),
    product: z.looseObject({ name: z.string(), vendor_name: z.string() }),
  }),
});
const SubjectId: z.ZodType = z.lazy(() =>
  z.union([
    z.strictObject({ format: z.literal('opaque'), id: z.string() }),
    z.strictObject({ format: z.literal('email'), email: z.string() }),
    z.strictObject({ format: z.literal('iss_sub'), iss: z.string(), sub: z.string() }),
    z.strictObject({
      format: z.literal('complex'),
      user: SubjectId.optional(),
      session: SubjectId.optional(),
      tenant: SubjectId.optional(),
    }),
  ]),
);
const SetSchema = z.strictObject({
  iss: z.string(),
  jti: z.string(),
  iat: z.int(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  txn: z.string(),
  sub_id: SubjectId,
  events: z.record(z.url(), z.record(z.string(), z.unknown())).refine((e) => Object.keys(e).length === 1),
});

describe('canonicalJson', () => {
  it('sorts keys, drops whitespace and formats numbers like ECMAScript', () => {
    expect(canonicalJson({ b: [1e21, 0.1, -0], a: { d: 'é\n', c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":"é\\n"},"b":[1e+21,0.1,0]}',
    );
  });
});

describe('the native JSON format', () => {
  it('round-trips through the AuditEvent schema and is stable', () => {
    const event = record();
    expect(AuditEventSchema.parse(JSON.parse(toNativeJson(event)))).toEqual(event);
    expect(toNativeJson(JSON.parse(toNativeJson(event)))).toBe(toNativeJson(event));
  });
});

describe('toCloudEvent', () => {
  it('produces a CloudEvents 1.0 envelope with a reverse-DNS type, subject and traceparent', () => {
    const cloudEvent = toCloudEvent(record(), { source: 'https://lifeline.example.com/prod' });
    expect(CloudEventSchema.parse(cloudEvent)).toBeTruthy();
    expect(cloudEvent).toMatchObject({
      type: 'dev.lifeline.credential.revoked',
      subject: 'acme/t1/credential/k_1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
  });

  it('names failed steps and run events by their type', () => {
    const failed = record(
      revokedStep({
        type: 'step.failed',
        outcome: { status: 'failed', verified: false },
        error: { code: 'timeout' },
      }),
    );
    expect(toCloudEvent(failed).type).toBe('dev.lifeline.credential.revoke_failed');
    const run = record({
      type: 'run.started',
      runId: 'r',
      lifecycleEvent: revokedStep().lifecycleEvent,
      actor: revokedStep().actor,
    });
    expect(CloudEventSchema.parse(toCloudEvent(run)).type).toBe('dev.lifeline.run.started');
  });
});

describe('toOcsf', () => {
  it('maps a key revocation to User Management with the key in programmatic_credentials and a Service user', () => {
    const ocsf = toOcsf(record());
    expect(OcsfSchema.parse(ocsf)).toBeTruthy();
    expect(ocsf).toMatchObject({
      class_uid: 3007,
      activity_id: 99,
      type_uid: 300799,
      status_id: 1,
      user: {
        uid: 'svc-ci',
        type_id: 4,
        type: 'Service',
        programmatic_credentials: [{ uid: 'k_1', type: 'API Key' }],
      },
      actor: { user: { uid: 'alice', type_id: 1 } },
      metadata: { uid: expect.any(String), correlation_uid: 'run-1' },
    });
  });

  it('maps an account disable to 3007 Disable, or to 3001 Disable for receivers without 3007', () => {
    const event = record(
      revokedStep({
        action: 'account.disable',
        target: { connector: 'acme', object: { connector: 'acme', kind: 'account', id: 'u_42' } },
      }),
    );
    expect(toOcsf(event)).toMatchObject({ class_uid: 3007, activity_id: 5, type_uid: 300705 });
    expect(toOcsf(event, { userManagement: false })).toMatchObject({
      class_uid: 3001,
      activity_id: 5,
      type_uid: 300105,
    });
  });

  it('maps a key revocation to Entity Management Delete for receivers without 3007', () => {
    const ocsf = toOcsf(record(), { userManagement: false });
    expect(OcsfSchema.parse(ocsf)).toBeTruthy();
    expect(ocsf).toMatchObject({
      class_uid: 3004,
      activity_id: 4,
      type_uid: 300404,
      entity: { uid: 'k_1', type: 'API Key' },
    });
  });

  it('uses type_id 1 (User) for a human, Failure for a failed step, and nothing for run events', () => {
    const failed = record(
      revokedStep({
        type: 'step.failed',
        subject: { id: 'bob', kind: 'human' },
        outcome: { status: 'failed', verified: false },
        error: { code: 'forbidden', message: 'Missing scope' },
      }),
    );
    expect(toOcsf(failed)).toMatchObject({ status_id: 2, status_code: 'forbidden', user: { type_id: 1 } });
    const run = record({
      type: 'run.started',
      runId: 'r',
      lifecycleEvent: revokedStep().lifecycleEvent,
      actor: revokedStep().actor,
    });
    expect(toOcsf(run)).toBeUndefined();
  });
});

describe('toSecurityEventToken', () => {
  it('maps a key revocation to a CAEP credential-change SET with sub_id and no sub', () => {
    const payload = toSecurityEventToken(record(), {
      issuer: 'https://lifeline.example.com',
      audience: 'https://rp.example.com',
    });
    expect(SetSchema.parse(payload)).toBeTruthy();
    expect(payload).not.toHaveProperty('sub');
    expect(payload).toMatchObject({
      txn: 'evt-leaver-1',
      sub_id: {
        format: 'complex',
        user: { format: 'opaque', id: 'svc-ci' },
        tenant: { format: 'opaque', id: 't1' },
      },
      events: {
        'https://schemas.openid.net/secevent/caep/event-type/credential-change': {
          credential_type: 'api_key',
          change_type: 'revoke',
          initiating_entity: 'admin',
          reason_admin: { en: 'Integration retired' },
          event_timestamp: 1767607200,
        },
      },
    });
  });

  it('maps a session revocation to session-revoked with the session in sub_id', () => {
    const event = record(
      revokedStep({
        action: 'session.revoke',
        target: { connector: 'acme', object: { connector: 'acme', kind: 'session', id: 's_9' } },
      }),
    );
    const payload = toSecurityEventToken(event, { issuer: 'https://lifeline.example.com' });
    expect(SetSchema.parse(payload)).toBeTruthy();
    expect(payload?.sub_id).toEqual({
      format: 'complex',
      user: { format: 'opaque', id: 'svc-ci' },
      session: { format: 'opaque', id: 's_9' },
    });
    expect(Object.keys(payload?.events ?? {})).toEqual([
      'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
    ]);
  });

  it('returns nothing for a failed revocation', () => {
    const failed = record(
      revokedStep({
        type: 'step.failed',
        outcome: { status: 'failed', verified: false },
        error: { code: 'timeout' },
      }),
    );
    expect(toSecurityEventToken(failed, { issuer: 'https://x' })).toBeUndefined();
  });

  it('signs with the caller signer as a secevent+jwt JWS that verifies', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const payload = toSecurityEventToken(record(), { issuer: 'https://lifeline.example.com' });
    if (!payload) throw new Error('expected a payload');
    const jwt = await signSecurityEventToken(payload, {
      alg: 'EdDSA',
      kid: 'k1',
      sign: (data) => sign(null, data, privateKey),
    });
    const [header, body, signature] = jwt.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
      alg: 'EdDSA',
      typ: 'secevent+jwt',
      kid: 'k1',
    });
    expect(JSON.parse(Buffer.from(body, 'base64url').toString())).toEqual(payload);
    expect(
      verify(null, Buffer.from(`${header}.${body}`), publicKey, Buffer.from(signature, 'base64url')),
    ).toBe(true);
  });
});
