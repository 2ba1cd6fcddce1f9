import { PACKAGE_NAME, VERSION } from '../version';
import { auditVerify } from './commands/auditVerify';
import { conformance } from './commands/conformance';
import { contractCheck } from './commands/contractCheck';
import { lifecycleResume, lifecycleRun, lifecycleTasks } from './commands/lifecycleRun';
import { newConnector } from './commands/newConnector';

/** Where the CLI writes. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const HELP = `Usage: ${PACKAGE_NAME} <command> [options]

Identity lifecycle connectors that assume they will fail.

Options:
  -h, --help       Show this help
  -v, --version    Print the version

Commands:
  audit verify <file>                             Verify the hash chain of a JSONL audit log (exit 1 when broken)
  contract check <contract.json> --module <path>  Compare a target with a contract baseline (exit 1 on breaking changes)
  run <plan.json> [--json]                        Run an offboarding or emergency revocation from a plan file
  resume <runId> --setup <module>                 Continue a journaled run after a crash
  tasks list|close --setup <module>               List or close manual remediation tasks
  conformance <module>                            Run the connector conformance checks (exit 1 when a check fails)
  new connector <name> [--dir <path>]             Generate a connector project with the conformance kit wired
`;

/**
 * Runs the `lifeline` command with `argv` (without node and script) and returns
 * the exit code: 0 on success, 2 on a usage error.
 *
 * @example
 * ```ts
 * const code = await runCli(['--version'], { out: console.log, err: console.error });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    io.out(HELP);
    return 0;
  }
  if (first === '-v' || first === '--version') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  if (first === 'audit' && argv[1] === 'verify') return auditVerify(argv.slice(2), io);
  if (first === 'contract' && argv[1] === 'check') return contractCheck(argv.slice(2), io);
  if (first === 'conformance') return conformance(argv.slice(1), io);
  if (first === 'run') return lifecycleRun(argv.slice(1), io);
  if (first === 'resume') return lifecycleResume(argv.slice(1), io);
  if (first === 'tasks') return lifecycleTasks(argv.slice(1), io);
  if (first === 'new' && argv[1] === 'connector') return newConnector(argv.slice(2), io);
  io.err(`${PACKAGE_NAME}: unknown command "${first}". Run "${PACKAGE_NAME} --help" for usage.\n`);
  return 2;
}
