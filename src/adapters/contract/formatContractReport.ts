import type { ContractChange, ContractReport } from './ContractReport';

function describe(change: ContractChange): string {
  const path = change.path ?? '(payload)';
  const types = (a?: string, b?: string) =>
    a !== undefined && b !== undefined ? `${a} → ${b}` : (a ?? b ?? '');
  switch (change.change) {
    case 'missing':
      return `${path}: missing (was ${change.expected ?? 'present'})`;
    case 'retyped':
      return `${path}: retyped ${types(change.expected, change.received)}`;
    case 'renamed_candidate':
      return `${path}: missing (expected ${change.expected ?? 'a value'}); renamed? candidates: ${(change.candidates ?? []).join(', ')}`;
    case 'enum_value_added':
      return `${path}: a value outside ${change.expected ?? 'the known values'}`;
    case 'added':
      return `${path}: new ${change.received ?? 'field'}`;
    case 'invalid':
      if (path.startsWith('header:')) {
        return `${path}: the target states an API version other than ${change.expected ?? 'the adapter'}`;
      }
      return `${path}: invalid (expected ${change.expected ?? 'another shape'}${change.received ? `, got ${change.received}` : ''})`;
    case 'typed':
      return `${path}: now ${change.received ?? 'typed'} (baseline only saw null)`;
    case 'nullable':
      return `${path}: now also null (was ${change.expected ?? 'typed'})`;
    case 'new_payload':
      return 'read for the first time (not in the baseline)';
    case 'drift':
      return `drift: ${change.message ?? 'the payload does not match the adapter'}`;
    case 'unsupported':
      return `unsupported: ${change.message ?? 'no longer supported'}`;
  }
}

function group(title: string, marker: string, changes: readonly ContractChange[]): string[] {
  if (changes.length === 0) return [];
  const lines = [`${title} (${changes.length}):`];
  let heading = '';
  for (const change of changes) {
    const next = `${change.operation} › ${change.kind}`;
    if (next !== heading) {
      heading = next;
      const hint =
        change.hint === 'version_mismatch' && change.suggestedVersion
          ? ` — adapter ${change.suggestedVersion} accepts it (version mismatch)`
          : change.hint === 'unknown_shape'
            ? ' — no known adapter accepts it'
            : '';
      lines.push(`  ${heading}${hint}`);
    }
    lines.push(`    ${marker} ${describe(change)}`);
  }
  return lines;
}

/**
 * Renders a contract report for people: a header, then breaking, additive,
 * not-exercised and inconclusive entries grouped by operation and payload
 * kind, and a one-line verdict. Paths and types only.
 *
 * @example
 * ```ts
 * process.stdout.write(formatContractReport(await checkContract(file, { connector: bound, exercise })));
 * ```
 */
export function formatContractReport(report: ContractReport): string {
  const { connector, adapterVersion } = report;
  const lines = [
    `Contract check: ${connector.id} ${connector.version} (baseline recorded ${report.recordedAt} by ${connector.baselineVersion})`,
    `Adapter: baseline ${adapterVersion.baseline ?? 'none'}, now ${adapterVersion.current ?? 'none'}`,
  ];
  for (const s of report.switches) {
    lines.push(`Adapter switch during the check: ${s.from ?? '(none)'} → ${s.to} (${s.reason})`);
  }
  lines.push(...group('BREAKING', '✗', report.breaking));
  lines.push(...group('ADDITIVE', '+', report.additive));
  if (report.notExercised.length > 0) {
    lines.push(`NOT EXERCISED (${report.notExercised.length}):`);
    for (const n of report.notExercised) {
      lines.push(
        `  ${n.operation} › ${n.kind}${n.path === undefined ? ' (not read this time)' : `: ${n.path} was empty; its items were not compared`}`,
      );
    }
  }
  if (report.errors.length > 0) {
    lines.push(`INCONCLUSIVE (${report.errors.length}):`);
    for (const e of report.errors) {
      lines.push(`  step "${e.step}"${e.operation ? ` (${e.operation})` : ''}: ${e.code} — ${e.message}`);
    }
  }
  const counts = `${report.breaking.length} breaking, ${report.additive.length} additive, ${report.notExercised.length} not exercised`;
  const verdict = report.breaking.length > 0 ? 'BREAKING' : report.errors.length > 0 ? 'INCONCLUSIVE' : 'OK';
  lines.push(
    `Result: ${verdict} — ${counts}${report.errors.length > 0 ? `, ${report.errors.length} failed steps` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
