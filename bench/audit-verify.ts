/**
 * Audit log benchmark: emit throughput (baseline: JSON.stringify of the same
 * events), JSONL write throughput, and verifyAuditLog over a clean
 * 100,000-event log (target: under 2 s).
 *
 *   npx tsx bench/audit-verify.ts [events]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditEventInput, callbackSink, createAuditEmitter, jsonlSink, verifyAuditLog } from 'lifeline';

const COUNT = Number(process.argv[2] ?? 100_000);

function step(i: number): AuditEventInput {
  return {
    type: 'step.completed',
    runId: 'run-bench',
    stepId: `step-${i}`,
    lifecycleEvent: { id: 'evt-1', type: 'leaver', reason: 'Integration retired', ticket: 'SEC-1' },
    actor: { kind: 'person', id: 'alice' },
    subject: { id: `svc-${i % 1000}`, kind: 'service_account' },
    action: 'credential.revoke',
    target: {
      connector: 'acme',
      connectorVersion: '1.4.0',
      tenant: 't1',
      object: { connector: 'acme', tenant: 't1', kind: 'credential', id: `k_${i}` },
      credentialKind: 'api_key',
    },
    outcome: {
      status: 'revoked',
      verified: true,
      evidence: { method: 'read_back', checkedAt: '2026-01-05T10:00:01.000Z', observed: 'status=revoked' },
    },
    trace: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' },
  };
}

const inputs = Array.from({ length: COUNT }, (_, i) => step(i));

// Baseline: serializing the inputs, the least any sink must do.
let t = performance.now();
let bytes = 0;
for (const input of inputs) bytes += JSON.stringify(input).length;
const baselineMs = performance.now() - t;

// emit() alone (redact + validate + sequence + enqueue), into a no-op sink.
const discard = createAuditEmitter({ sinks: [callbackSink(() => {})], queueSize: COUNT + 1 });
t = performance.now();
for (const input of inputs) discard.emit(input);
const emitMs = performance.now() - t;
await discard.close();

const dir = await mkdtemp(join(tmpdir(), 'lifeline-bench-'));
const path = join(dir, 'audit.jsonl');
try {
  // emit() into the hash-chained JSONL sink, until written and fsynced.
  const audit = createAuditEmitter({ sinks: [jsonlSink(path)], queueSize: COUNT + 1, batchSize: 1024 });
  t = performance.now();
  for (const input of inputs) audit.emit(input);
  const enqueueMs = performance.now() - t;
  await audit.flush();
  const writeMs = performance.now() - t;
  await audit.close();
  const size = (await stat(path)).size;

  t = performance.now();
  const result = await verifyAuditLog(path);
  const verifyMs = performance.now() - t;
  if (!result.ok) throw new Error(`benchmark log did not verify: ${JSON.stringify(result)}`);

  const perSec = (ms: number) => Math.round((COUNT / ms) * 1000).toLocaleString('en-US');
  console.log(`events: ${COUNT.toLocaleString('en-US')} (${(bytes / COUNT).toFixed(0)} B of JSON each)`);
  console.log(`baseline JSON.stringify:         ${baselineMs.toFixed(0)} ms  (${perSec(baselineMs)}/s)`);
  console.log(
    `emit() into a no-op sink:        ${emitMs.toFixed(0)} ms  (${perSec(emitMs)}/s, ${(emitMs / baselineMs).toFixed(1)}x baseline, ${((emitMs / COUNT) * 1000).toFixed(1)} µs/event)`,
  );
  console.log(`emit() into jsonlSink (enqueue): ${enqueueMs.toFixed(0)} ms`);
  console.log(
    `emit() → jsonlSink written+fsync: ${writeMs.toFixed(0)} ms  (${perSec(writeMs)}/s, ${(writeMs / baselineMs).toFixed(1)}x baseline)`,
  );
  console.log(
    `log file: ${(size / 1e6).toFixed(1)} MB, ${result.records} records (${result.checkpoints} checkpoints)`,
  );
  console.log(
    `verifyAuditLog:                  ${verifyMs.toFixed(0)} ms  (${perSec(verifyMs)}/s, target < 2000 ms: ${verifyMs < 2000 ? 'met' : 'NOT met'})`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
