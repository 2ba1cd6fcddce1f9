import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../runCli';

const USAGE = `Usage: lifeline new connector <name> [--dir <path>]

Generates a typed connector project: a config schema, two adapter versions,
every operation stubbed with a TODO that fails loudly, and the conformance kit
wired into \`npm test\`. <name> is lowercase letters, digits and dashes
(e.g. "acme-crm"); the project goes to ./<name> unless --dir is given.
Exit codes: 0 generated, 2 usage error or the directory is not empty.
`;

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const TEMPLATE = join('examples', 'connector-template');
const SKIPPED = new Set(['node_modules', 'dist', '.tmp', 'coverage']);

/** The template's placeholder spellings, replaced by the connector name's. */
function substitutions(name: string): [RegExp, string][] {
  const parts = name.split('-');
  const pascal = parts.map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
  const camel = pascal.charAt(0).toLowerCase() + pascal.slice(1);
  return [
    [/ConnectorTemplate/g, pascal],
    [/connectorTemplate/g, camel],
    [/connector-template/g, name],
  ];
}

/** Finds `examples/connector-template` above this file (source tree or the built package). */
function findTemplate(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(dir, TEMPLATE);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

async function filesOf(root: string, dir = root): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesOf(root, path)));
    else if (entry.isFile()) files.push(relative(root, path));
  }
  return files.sort();
}

/**
 * `lifeline new connector <name> [--dir <path>]`: copies the connector
 * template with the name substituted and returns the exit code (0 generated,
 * 2 usage error or a non-empty directory). `args` are the arguments after
 * `new connector`.
 *
 * @example
 * ```ts
 * const code = await newConnector(['acme-crm', '--dir', 'connectors/acme-crm'], {
 *   out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t),
 * });
 * ```
 */
export async function newConnector(args: readonly string[], io: CliIo): Promise<number> {
  let name: string | undefined;
  let dir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-h' || arg === '--help') {
      io.out(USAGE);
      return 0;
    }
    if (arg === '--dir') {
      dir = args[++i];
      if (dir === undefined || dir === '') {
        io.err(`lifeline new connector: --dir needs a path.\n${USAGE}`);
        return 2;
      }
    } else if (arg.startsWith('-')) {
      io.err(`lifeline new connector: unknown option "${arg}".\n${USAGE}`);
      return 2;
    } else if (name === undefined) name = arg;
    else {
      io.err(`lifeline new connector: expected one name, got "${name}" and "${arg}".\n${USAGE}`);
      return 2;
    }
  }
  if (name === undefined) {
    io.err(`lifeline new connector: missing <name>.\n${USAGE}`);
    return 2;
  }
  if (!NAME.test(name) || name.length > 64) {
    io.err(
      `lifeline new connector: "${name.slice(0, 80)}" is not a valid name: use lowercase letters, digits and single dashes, starting with a letter (max 64).\n`,
    );
    return 2;
  }
  const template = findTemplate();
  if (template === undefined) {
    io.err(
      `lifeline new connector: cannot find the connector template (${TEMPLATE}) next to the lifeline package.\n`,
    );
    return 2;
  }
  const destination = resolve(dir ?? name);
  if (existsSync(destination) && (await readdir(destination)).length > 0) {
    io.err(`lifeline new connector: ${destination} is not empty; choose another --dir.\n`);
    return 2;
  }
  const replace = (text: string) =>
    substitutions(name as string).reduce((out, [pattern, value]) => out.replace(pattern, value), text);
  const files = await filesOf(template);
  for (const file of files) {
    const target = join(destination, replace(file));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, replace(await readFile(join(template, file), 'utf8')), { flag: 'wx' });
  }
  io.out(
    `Created connector "${name}" in ${destination} (${files.length} files).\n\nNext:\n  cd ${relative(process.cwd(), destination) || '.'}\n  npm install\n  npm test      # every conformance check fails on a TODO until you implement it\n`,
  );
  return 0;
}
