import type { z } from 'zod';
import type { DriftChange } from '../errors';
import { describeShape, jsonType } from './shape';

function dotted(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += '[]';
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** `a.b` → `a`; `a[]` → `a`; `a[].b` → `a[]`; `a` → ``. */
function parentOf(path: string): string {
  if (path.endsWith('[]')) return path.slice(0, -2);
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}

function valueAt(payload: unknown, path: readonly PropertyKey[]): unknown {
  let current = payload;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Turns zod issues on a target payload into a structured diff: missing fields,
 * retyped fields, candidates for a rename (a field is missing and its parent
 * has new keys), enum values the adapter does not know, and keys a strict
 * schema rejects. Paths and types only, never values.
 *
 * @example
 * ```ts
 * const result = WireKey.safeParse(body);
 * if (!result.success) driftChanges(result.error, body, knownPaths(WireKey));
 * // [{ path: 'key_id', kind: 'renamed_candidate', expected: 'string', candidates: ['id:string'] }]
 * ```
 */
export function driftChanges(error: z.ZodError, payload: unknown, known: ReadonlySet<string>): DriftChange[] {
  const shape = describeShape(payload);
  // New keys the schema does not know, grouped by their (known) parent: rename candidates.
  const unknownByParent = new Map<string, string[]>();
  for (const entry of shape) {
    const colon = entry.lastIndexOf(':');
    const path = entry.slice(0, colon);
    if (known.has(path) || path.endsWith('[]')) continue;
    const parent = parentOf(path);
    if (parent !== '' && !known.has(parent)) continue;
    const key = parent === '' ? path : path.slice(parent.length + 1);
    const list = unknownByParent.get(parent) ?? [];
    list.push(`${key}:${entry.slice(colon + 1)}`);
    unknownByParent.set(parent, list);
  }
  const changes: DriftChange[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    const raw = issue as { expected?: unknown; values?: unknown; keys?: unknown };
    const path = dotted(issue.path);
    let change: DriftChange;
    const received = jsonType(valueAt(payload, issue.path));
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && received === 'undefined') {
      const expected =
        typeof raw.expected === 'string'
          ? raw.expected
          : Array.isArray(raw.values)
            ? raw.values.map(String).join('|')
            : 'a value';
      const candidates = unknownByParent.get(parentOf(path)) ?? [];
      change =
        candidates.length > 0
          ? { path, kind: 'renamed_candidate', expected, received, candidates }
          : { path, kind: 'missing', expected, received };
    } else if (issue.code === 'invalid_type') {
      change = {
        path,
        kind: 'retyped',
        expected: typeof raw.expected === 'string' ? raw.expected : 'unknown',
        received,
      };
    } else if (issue.code === 'invalid_value') {
      const values = Array.isArray(raw.values) ? raw.values.map(String).join('|') : 'a known value';
      change = { path, kind: 'enum_value_added', expected: values, received };
    } else if (issue.code === 'unrecognized_keys') {
      const keys = Array.isArray(raw.keys) ? raw.keys.map(String) : [];
      for (const key of keys) {
        const keyPath = path === '' ? key : `${path}.${key}`;
        changes.push({
          path: keyPath,
          kind: 'added',
          received: jsonType(valueAt(payload, [...issue.path, key])),
        });
      }
      continue;
    } else {
      change = { path, kind: 'invalid', expected: issue.code };
    }
    const id = `${change.kind}:${change.path}`;
    if (seen.has(id)) continue;
    seen.add(id);
    changes.push(change);
  }
  return changes;
}
