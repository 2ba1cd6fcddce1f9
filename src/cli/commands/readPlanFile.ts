import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { InvalidInputError, UnsupportedError } from '../../errors';
import { isModuleMissing } from '../../errors/isModuleMissing';

/** The part of the optional `yaml` package this reader uses. */
interface YamlModule {
  parse(text: string, options?: { maxAliasCount?: number }): unknown;
}

async function loadYaml(): Promise<YamlModule> {
  try {
    const mod = (await import('yaml')) as unknown as { default?: YamlModule } & YamlModule;
    return typeof mod.parse === 'function' ? mod : (mod.default as YamlModule);
  } catch (error) {
    throw new UnsupportedError(
      isModuleMissing(error, 'yaml')
        ? 'YAML plan files need the optional peer dependency yaml: npm install yaml@2 (or write the plan as JSON)'
        : 'the yaml package is installed but failed to load',
      { cause: error },
    );
  }
}

/** Line and column of a character offset (1-based). */
function lineOf(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`;
}

/**
 * Where a parse failed, never what the file says there: a plan file is no
 * place for a secret, but a parser error quoting it must not print one anyway.
 */
function whereParseFailed(text: string, error: unknown): string {
  const yamlPos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
  if (yamlPos !== undefined) return `line ${yamlPos.line}, column ${yamlPos.col}`;
  const position = /position (\d+)/.exec(String((error as Error)?.message))?.[1];
  return position === undefined ? 'unexpected token or end' : lineOf(text, Number(position));
}

/**
 * Reads a plan file: JSON, or YAML when the name ends in `.yaml`/`.yml` (parsed
 * with the optional peer `yaml`, loaded only then, with aliases limited so a
 * hostile file cannot expand without bound). Throws `InvalidInputError` naming
 * the file and the line when it does not parse (never quoting its content), and
 * `UnsupportedError` saying how to install `yaml` when it is missing.
 *
 * @example
 * ```ts
 * const plan = await readPlanFile('offboard-svc-ci.yaml'); // { setup, kind, request }
 * ```
 */
export async function readPlanFile(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  const extension = extname(file).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') {
    const yaml = await loadYaml();
    try {
      return yaml.parse(text, { maxAliasCount: 100 });
    } catch (error) {
      throw new InvalidInputError(`${file} is not valid YAML (${whereParseFailed(text, error)}).`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidInputError(`${file} is not valid JSON (${whereParseFailed(text, error)}).`);
  }
}
