import { PACKAGE_NAME, VERSION } from '../version';

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

Commands are added as the SDK grows (audit verify, run, resume, tasks, conformance).
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
  io.err(`${PACKAGE_NAME}: unknown command "${first}". Run "${PACKAGE_NAME} --help" for usage.\n`);
  return 2;
}
