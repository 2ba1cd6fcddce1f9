import type { ConformanceReport } from './ConformanceReport';

const MARK = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' } as const;

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/**
 * Renders a conformance report as plain text: one line per check, with the
 * failure message or skip reason under it, and a summary line.
 *
 * @example
 * ```ts
 * process.stdout.write(formatConformanceReport(await checkConnector(factory, options)));
 * // PASS  revoke-idempotent  a revocation is applied once; a second one is already_absent (412 ms)
 * // FAIL  revoke-missing     revoking a missing object is already_absent, not an error (95 ms)
 * //       revoking credential missing-1f… which never existed, reported revoked: ...
 * ```
 */
export function formatConformanceReport(report: ConformanceReport): string {
  const width = Math.max(0, ...report.checks.map((check) => check.id.length));
  const connector =
    report.connector === undefined ? 'connector' : `${report.connector.id} ${report.connector.version}`;
  const lines = [
    `Lifeline connector conformance: ${connector}${report.target === undefined ? '' : ` against ${report.target}`}`,
    '',
  ];
  for (const check of report.checks) {
    lines.push(`${MARK[check.status]}  ${check.id.padEnd(width)}  ${check.name} (${check.durationMs} ms)`);
    const pad = ' '.repeat(width + 8);
    if (check.message !== undefined) lines.push(indent(check.message, pad));
    if (check.status === 'passed') for (const note of check.notes) lines.push(indent(note, pad));
  }
  const { passed, failed, skipped } = report.counts;
  lines.push(
    '',
    `${report.passed ? 'PASSED' : 'FAILED'}: ${passed} passed, ${failed} failed, ${skipped} skipped by capability (${(report.durationMs / 1000).toFixed(1)} s)`,
    '',
  );
  return lines.join('\n');
}
