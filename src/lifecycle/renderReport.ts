import type { LifecycleReport } from './LifecycleReport';

function pad(text: string, width: number): string {
  return text.length >= width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/**
 * Renders a report as a terminal table: one line per step (up to `maxRows`),
 * then the summary and the reasons.
 *
 * @example
 * ```ts
 * process.stdout.write(renderReport(report));
 * ```
 */
export function renderReport(report: LifecycleReport, options: { maxRows?: number } = {}): string {
  const maxRows = options.maxRows ?? 50;
  const lines: string[] = [];
  lines.push(
    `Run ${report.runId} (${report.kind}, event ${report.event.id}): ${report.status.toUpperCase()}`,
  );
  const head = `${pad('connector', 10)} ${pad('action', 19)} ${pad('object', 26)} ${pad('outcome', 15)} ${pad('verified', 9)} ${pad('adapter', 8)} ${pad('tries', 6)} receipt / error`;
  lines.push(head, '-'.repeat(head.length + 10));
  for (const step of report.steps.slice(0, maxRows)) {
    const note = step.escalation
      ? `${step.escalation.fallback}: ${step.escalation.receipt}`
      : (step.error?.code ?? '');
    lines.push(
      `${pad(step.connector, 10)} ${pad(step.action, 19)} ${pad(step.objectId, 26)} ${pad(step.outcome, 15)} ${pad(step.verified ? 'yes' : 'no', 9)} ${pad(step.adapterVersion ?? '-', 8)} ${pad(String(step.attempts), 6)} ${note}`,
    );
  }
  if (report.steps.length > maxRows) lines.push(`… and ${report.steps.length - maxRows} more steps`);
  if (report.stepsOmitted)
    lines.push(`(${report.summary.total} steps; read them with lifecycle.steps('${report.runId}'))`);
  const s = report.summary;
  lines.push(
    '',
    `steps ${s.total}: done ${s.done}, escalated ${s.escalated}, failed ${s.failed}, scheduled ${s.scheduled}, planned ${s.planned}; verified ${s.verified}`,
    `outcomes: ${Object.entries(s.byOutcome)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  for (const reason of report.reasons) lines.push(`- ${reason}`);
  lines.push(`took ${(report.durationMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}
