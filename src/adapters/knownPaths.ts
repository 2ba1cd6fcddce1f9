import type { z } from 'zod';

/** A path under which anything is accepted (records, `z.unknown()`, `z.any()`). */
export const WILDCARD = '*';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: readonly z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/**
 * The key paths a zod schema knows, in the notation of `describeShape` (array
 * items as `[]`; `path.*` where any key is accepted). Used to tell additive
 * drift (new keys that still parse) from a payload the schema expects.
 *
 * @example
 * ```ts
 * knownPaths(z.object({ data: z.array(z.object({ id: z.string() })) }));
 * // Set { 'data', 'data[]', 'data[].id' }
 * ```
 */
export function knownPaths(schema: z.ZodType): Set<string> {
  const paths = new Set<string>();
  const seen = new Set<z.ZodType>();
  const visit = (node: z.ZodType, path: string, depth: number): void => {
    if (depth > 64 || (seen.has(node) && depth > 0)) return;
    const def = defOf(node);
    switch (def.type) {
      case 'object':
        for (const [key, child] of Object.entries(def.shape ?? {})) {
          const childPath = path === '' ? key : `${path}.${key}`;
          paths.add(childPath);
          visit(child, childPath, depth + 1);
        }
        return;
      case 'array':
        if (def.element) {
          paths.add(`${path}[]`);
          visit(def.element, `${path}[]`, depth + 1);
        }
        return;
      case 'record':
      case 'unknown':
      case 'any':
      case 'custom':
        paths.add(path === '' ? WILDCARD : `${path}.${WILDCARD}`);
        return;
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'catch':
      case 'readonly':
      case 'nonoptional':
        if (def.innerType) visit(def.innerType, path, depth + 1);
        return;
      case 'pipe':
        if (def.in) visit(def.in, path, depth + 1);
        return;
      case 'union':
        for (const option of def.options ?? []) visit(option, path, depth + 1);
        return;
      case 'intersection':
        if (def.left) visit(def.left, path, depth + 1);
        if (def.right) visit(def.right, path, depth + 1);
        return;
      case 'lazy':
        seen.add(node);
        if (def.getter) visit(def.getter(), path, depth + 1);
        return;
      default:
        return;
    }
  };
  visit(schema, '', 0);
  return paths;
}

/**
 * True when `path` (from `describeShape`, without its `:type`) is covered by
 * the known paths, directly or under a wildcard.
 */
export function isKnownPath(known: ReadonlySet<string>, path: string): boolean {
  if (known.has(path) || known.has(WILDCARD)) return true;
  let cut = path.length;
  while (cut > 0) {
    const dot = path.lastIndexOf('.', cut - 1);
    const bracket = path.lastIndexOf('[]', cut - 1);
    cut = Math.max(dot, bracket);
    if (cut <= 0) break;
    if (known.has(`${path.slice(0, cut)}.${WILDCARD}`)) return true;
  }
  return false;
}
