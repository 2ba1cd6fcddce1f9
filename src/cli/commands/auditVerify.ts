import { verifyAuditLog } from '../../audit/verifyAuditLog';
import { isLifelineError } from '../../errors';
import type { CliIo } from '../runCli';

const USAGE = `Usage: lifeline audit verify <file> [--json] [--expect-head <sha256>]

Checks the hash chain of an audit log written by jsonlSink.
Exit codes: 0 the chain is intact, 1 the chain is broken, 2 usage or read error.
`;

/**
 * `lifeline audit verify <file>`: verifies a hash-chained audit log and returns
 * the exit code (0 intact, 1 broken, 2 usage or read error). `args` are the
 * arguments after `audit verify`.
 *
 * @example
 * ```ts
 * const code = await auditVerify(['audit.jsonl'], { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
 * ```
 */
export async function auditVerify(args: readonly string[], io: CliIo): Promise<number> {
  let file: string | undefined;
  let json = false;
  let expectedHead: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-h' || arg === '--help') {
      io.out(USAGE);
      return 0;
    }
    if (arg === '--json') json = true;
    else if (arg === '--expect-head') {
      expectedHead = args[++i];
      if (expectedHead === undefined || !/^[0-9a-f]{64}$/.test(expectedHead)) {
        io.err(`lifeline audit verify: --expect-head needs a SHA-256 hex hash.\n${USAGE}`);
        return 2;
      }
    } else if (arg.startsWith('-')) {
      io.err(`lifeline audit verify: unknown option "${arg}".\n${USAGE}`);
      return 2;
    } else if (file === undefined) file = arg;
    else {
      io.err(`lifeline audit verify: expected one file, got "${file}" and "${arg}".\n${USAGE}`);
      return 2;
    }
  }
  if (file === undefined) {
    io.err(`lifeline audit verify: missing <file>.\n${USAGE}`);
    return 2;
  }
  try {
    const result = await verifyAuditLog(file, expectedHead === undefined ? {} : { expectedHead });
    if (json) io.out(`${JSON.stringify({ file, ...result })}\n`);
    if (result.ok) {
      if (!json) {
        io.out(
          `${file}: OK — ${result.records} records (${result.events} events, ${result.checkpoints} checkpoints), head ${result.head}\n`,
        );
      }
      return 0;
    }
    if (!json) {
      io.err(
        `${file}: BROKEN at line ${result.line} (sequence ${result.sequence}): ${result.reason} — ${result.message} ${result.records} records verified before it.\n`,
      );
    }
    return 1;
  } catch (error) {
    const message = isLifelineError(error) || error instanceof Error ? error.message : String(error);
    io.err(`lifeline audit verify: cannot read ${file}: ${message}\n`);
    return 2;
  }
}
