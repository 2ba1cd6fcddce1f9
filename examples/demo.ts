/**
 * The Lifeline demo: `npm run demo`. Embedded defaults, no services needed.
 *
 * Two fake SaaS targets start on 127.0.0.1: "Acme" (tenant `prod` on API v1,
 * tenant `eu` on API v2, with realistic latency, 503s and 429s) and "Legacy",
 * which is down. Lifeline offboards three non-human identities across them,
 * then runs an emergency revocation of 1,000 keys, and finally verifies the
 * tamper-evident audit chain it wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAuditEmitter,
  createLifecycle,
  jsonlSink,
  type LifecycleReport,
  manualQueue,
  memoryStore,
  type ProgressEvent,
  renderReport,
  staticCredential,
  verifyAuditLog,
} from 'lifeline';
import { createFakeTarget } from 'lifeline/testing';
import { acme } from './acme';

const out = (text: string) => process.stdout.write(text);
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

function progressBar(label: string) {
  let last = -1;
  return (event: ProgressEvent) => {
    const width = 30;
    const ratio = event.total === 0 ? 1 : event.settled / event.total;
    const percent = Math.floor(ratio * 100);
    if (!process.stdout.isTTY && percent < last + 10 && event.settled !== event.total) return;
    last = percent;
    const filled = Math.round(ratio * width);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.settled}/${event.total} done ${event.done} escalated ${event.escalated} failed ${event.failed}`;
    out(process.stdout.isTTY ? `\r${line}` : `${line}\n`);
    if (process.stdout.isTTY && event.settled === event.total) out('\n');
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-demo-'));
  const auditPath = join(dir, 'audit.jsonl');

  // --- Two fake targets -------------------------------------------------------
  const acmeTarget = await createFakeTarget({
    seed: 2026,
    tenants: [
      { id: 'prod', apiVersion: 'v1' },
      { id: 'eu', apiVersion: 'v2' },
    ],
  });
  const legacyTarget = await createFakeTarget({ seed: 7, tenants: [{ id: 'legacy', apiVersion: 'v1' }] });
  acmeTarget.faults.add({
    name: 'latency',
    fault: { kind: 'latency', ms: { type: 'uniform', min: 2, max: 15 } },
  });
  acmeTarget.faults.add({ name: 'flaky', probability: 0.03, fault: { kind: 'status', status: [502, 503] } });
  acmeTarget.faults.add({
    name: 'throttled',
    probability: 0.02,
    fault: { kind: 'rateLimit', retryAfterSeconds: 1 },
  });

  const identities = [
    {
      id: 'svc-ci',
      kind: 'service_account' as const,
      displayName: 'CI deployer',
      name: 'svc-ci',
      fake: 'service' as const,
    },
    {
      id: 'bot-sync',
      kind: 'bot' as const,
      displayName: 'CRM sync bot',
      name: 'bot-sync',
      fake: 'bot' as const,
    },
    {
      id: 'agent-triage',
      kind: 'ai_agent' as const,
      displayName: 'Triage agent',
      name: 'agent-triage',
      fake: 'service' as const,
    },
  ];
  for (const [target, tenant] of [
    [acmeTarget, 'prod'],
    [acmeTarget, 'eu'],
    [legacyTarget, 'legacy'],
  ] as const) {
    const group = target.addGroup(tenant, { name: 'deployers' });
    for (const identity of identities) {
      const account = target.addAccount(tenant, {
        id: `${identity.id}-${tenant}`,
        name: identity.name,
        kind: identity.fake,
      });
      target.addKey(tenant, account.id, { label: `${identity.id} primary` });
      target.addKey(tenant, account.id, { label: `${identity.id} rotation`, kind: 'token' });
      target.addMember(tenant, group.id, account.id);
      target.addSession(tenant, account.id);
    }
  }
  const compromised = acmeTarget.seed('eu', { accounts: 500, keysPerAccount: 2 });
  await legacyTarget.faults.outage({ mode: 'unavailable', tenant: 'legacy' });

  // --- Lifeline ---------------------------------------------------------------
  const bind = (target: typeof acmeTarget, tenant: string) =>
    acme.with({ baseUrl: target.tenantUrl(tenant), tenant }, staticCredential(target.token(tenant)), {
      tenant,
    });
  const audit = createAuditEmitter({ sinks: [jsonlSink(auditPath)] });
  const store = memoryStore();
  const lifeline = createLifecycle({
    connectors: {
      'acme-prod': bind(acmeTarget, 'prod'),
      'acme-eu': bind(acmeTarget, 'eu'),
      legacy: bind(legacyTarget, 'legacy'),
    },
    store,
    audit,
    fallback: [manualQueue()],
    concurrency: { total: 32, perConnector: 16 },
    stepDeadlineMs: 3_000,
    verify: { attempts: 3, initialDelayMs: 50 },
  });

  out(
    `${bold('Lifeline demo')}: Acme (prod on API v1, eu on API v2, with latency, 503s and 429s) and Legacy (down)\n\n`,
  );
  const reports: LifecycleReport[] = [];
  for (const identity of identities) {
    out(`${bold(`Offboarding ${identity.displayName}`)} (${identity.id}, ${identity.kind})\n`);
    const bar = lifeline.onProgress(progressBar('  progress'));
    const report = await lifeline.offboard({
      identity: {
        id: identity.id,
        kind: identity.kind,
        displayName: identity.displayName,
        owner: { id: 'team-platform', kind: 'team' },
        externalIds: {
          'acme-prod': `${identity.id}-prod`,
          'acme-eu': `${identity.id}-eu`,
          legacy: `${identity.id}-legacy`,
        },
      },
      event: {
        reason: `${identity.displayName} decommissioned`,
        actor: { kind: 'person', id: 'alice@example.test' },
        ticket: 'SEC-2026',
      },
    });
    bar.dispose();
    reports.push(report);
    out(renderReport(report, { maxRows: 20 }));
    out('\n');
  }

  out(bold('Emergency revocation: every key of the 500 compromised integration accounts at acme-eu\n'));
  const bar = lifeline.onProgress(progressBar('  progress'));
  const emergency = await lifeline.emergencyRevoke({
    connectors: ['acme-eu'],
    selector: { accountIds: [...compromised.accountIds] },
    event: {
      reason: 'Integration signing key leaked',
      actor: { kind: 'person', id: 'sec-oncall' },
      ticket: 'INC-77',
    },
  });
  bar.dispose();
  reports.push(emergency);
  out(renderReport(emergency, { maxRows: 5 }));
  const appliedTwice = compromised.keyIds.filter(
    (id) => acmeTarget.effects('key', id, 'eu').applied > 1,
  ).length;
  out(
    `  keys revoked at the target: ${compromised.keyIds.filter((id) => acmeTarget.state.key('eu', id)?.status === 'revoked').length}/${compromised.keyIds.length}, applied twice: ${appliedTwice}\n\n`,
  );

  const tasks = await lifeline.tasks();
  out(
    `${bold('Escalations')}: ${tasks.length} manual remediation task(s) opened for Legacy, each a receipt:\n`,
  );
  for (const task of tasks.slice(0, 6)) {
    const payload = task.payload as { connector?: string; action?: string; reason?: { code?: string } };
    out(`  ${task.id}  (${payload.connector} ${payload.action}: ${payload.reason?.code})\n`);
  }

  await audit.close();
  const verification = await verifyAuditLog(auditPath);
  out(
    `\n${bold('Audit chain')}: ${verification.ok ? `verified, ${verification.records} records, head ${verification.head.slice(0, 16)}…` : `BROKEN at line ${verification.line}: ${verification.reason}`}\n`,
  );
  out(`   (${auditPath}; check it yourself with: npx lifeline audit verify ${auditPath})\n`);
  const statuses = reports.map((r) => r.status).join(', ');
  out(`\nRuns: ${statuses}. Took ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);

  await Promise.all([acmeTarget.close(), legacyTarget.close()]);
  if (process.env.LIFELINE_DEMO_KEEP_AUDIT !== '1') rmSync(dir, { recursive: true, force: true });
  if (!verification.ok) process.exitCode = 1;
}

await main();
