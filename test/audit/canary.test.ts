import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  callbackSink,
  consoleSink,
  createAuditEmitter,
  jsonlSink,
  type OtelLogRecordLike,
  otelLogSink,
  signSecurityEventToken,
  toCloudEvent,
  toNativeJson,
  toOcsf,
  toSecurityEventToken,
} from '../../src/audit';
import { ForbiddenError } from '../../src/errors';
import { Secret } from '../../src/model';
import { lifecycleEvent, revokedStep } from './fixtures';

// Canary secrets, one per way a secret can sneak in.
const CANARIES = {
  credential: 'ghp_CanaryCredential0123456789abcdefABCD',
  config: 'sk_live_CanaryConfig0123456789abcdef',
  errorMessage: 'eyJhbGciOiJIUzI1NiJ9.eyJjYW5hcnkiOiJlcnJvciJ9.Q2FuYXJ5RXJyb3JTaWduYXR1cmU',
  targetResponse: 'xoxb-111111111111-2222222222222-CanaryTargetResp',
  bearer: 'CanaryBearer0123456789abcdefXYZ',
  secretObject: 'canary-secret-object-value',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-canary-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function assertClean(text: string) {
  for (const [where, canary] of Object.entries(CANARIES)) {
    expect(text, `canary from ${where}`).not.toContain(canary);
  }
}

describe('canary secrets', () => {
  it('appear in no sink output and no format', async () => {
    const path = join(dir, 'audit.jsonl');
    const stdoutPretty = new PassThrough();
    const stdoutJson = new PassThrough();
    let pretty = '';
    let json = '';
    stdoutPretty.on('data', (chunk) => {
      pretty += chunk;
    });
    stdoutJson.on('data', (chunk) => {
      json += chunk;
    });
    const callbackEvents: AuditEvent[] = [];
    const logRecords: OtelLogRecordLike[] = [];
    const dead: AuditEvent[] = [];
    const audit = createAuditEmitter({
      sinks: [
        callbackSink((events) => {
          callbackEvents.push(...events);
        }),
        consoleSink({ stream: stdoutPretty, name: 'pretty' }),
        consoleSink({ stream: stdoutJson, format: 'json', name: 'json' }),
        jsonlSink(path),
        otelLogSink({ loggerProvider: { getLogger: () => ({ emit: (r) => logRecords.push(r) }) } }),
        callbackSink(
          () => {
            throw new Error('always fails');
          },
          { name: 'failing' },
        ),
      ],
      deadLetter: callbackSink((events) => {
        dead.push(...events);
      }),
      retry: { retries: 0 },
    });
    const error = new ForbiddenError(`target rejected key ${CANARIES.credential}: ${CANARIES.errorMessage}`);
    const event = audit.emit(
      revokedStep({
        type: 'step.failed',
        outcome: {
          status: 'failed',
          verified: false,
          evidence: {
            method: 'read_back',
            checkedAt: '2026-01-05T10:00:01.000Z',
            observed: `response body {"token":"${CANARIES.targetResponse}"}`,
          },
        },
        error: { code: error.code, message: error.message },
        message: `connector config had apiKey=${CANARIES.config} and Authorization: Bearer ${CANARIES.bearer}`,
        details: { apiKey: CANARIES.config, note: `resp ${CANARIES.targetResponse}` },
        // A Secret object where a string was expected: redacted before validation.
        ...({ stepId: new Secret(CANARIES.secretObject) } as object),
      }),
    );
    expect(event).toBeDefined();
    await audit.flush();
    await audit.close();
    expect(callbackEvents).toHaveLength(1);
    expect(dead).toHaveLength(1);
    assertClean(JSON.stringify(callbackEvents));
    assertClean(JSON.stringify(dead));
    assertClean(pretty);
    assertClean(json);
    assertClean(await readFile(path, 'utf8'));
    assertClean(JSON.stringify(logRecords));
    const recorded = event as AuditEvent;
    assertClean(toNativeJson(recorded));
    assertClean(JSON.stringify(toCloudEvent(recorded)));
    assertClean(JSON.stringify(toOcsf(recorded)));
    assertClean(JSON.stringify(toOcsf(recorded, { userManagement: false })));
    const revoked = audit.emit(
      revokedStep({
        lifecycleEvent: { ...lifecycleEvent, reason: `leaver; old key ${CANARIES.credential}` },
      }),
    );
    expect(revoked).toBeUndefined(); // closed: counted, not recorded
    const open = createAuditEmitter({ sinks: [] });
    const set = toSecurityEventToken(
      open.emit(
        revokedStep({
          lifecycleEvent: { ...lifecycleEvent, reason: `old key ${CANARIES.credential}` },
        }),
      ) as AuditEvent,
      { issuer: 'https://x' },
    );
    assertClean(JSON.stringify(set));
    if (set)
      assertClean(await signSecurityEventToken(set, { alg: 'EdDSA', sign: () => new Uint8Array([1]) }));
    expect(recorded.error?.message).toContain('[redacted:');
  });
});
