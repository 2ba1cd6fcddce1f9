import { isLifelineError, type SchemaDriftError } from '../../errors';
import type { Contract, ContractPayload } from './Contract';
import type { ContractChange, ContractRunError, NotExercised } from './ContractReport';
import type { ExerciseFailure } from './observeExercise';

/** What {@link diffContract} finds. */
export interface ContractDiff {
  readonly breaking: ContractChange[];
  readonly additive: ContractChange[];
  readonly notExercised: NotExercised[];
  readonly errors: ContractRunError[];
}

/** `a.b` → `a`; `a[]` → `a`; `a[].b` → `a[]`; `a` → ``. */
function parentOf(path: string): string {
  if (path.endsWith('[]')) return path.slice(0, -2);
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let parent = parentOf(path); parent !== ''; parent = parentOf(parent)) out.push(parent);
  return out;
}

/** `path:type` entries → path → types. */
function typesByPath(shape: readonly string[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const entry of shape) {
    const colon = entry.lastIndexOf(':');
    const path = entry.slice(0, colon);
    const types = map.get(path) ?? new Set<string>();
    types.add(entry.slice(colon + 1));
    map.set(path, types);
  }
  return map;
}

const join = (types: Iterable<string>) => [...types].sort().join('|');

function comparePayload(
  operation: string,
  kind: string,
  before: ContractPayload,
  after: ContractPayload,
  diff: ContractDiff,
): void {
  if (after.fingerprints.every((f) => before.fingerprints.includes(f))) return; // shapes already seen
  const was = typesByPath(before.shape);
  const now = typesByPath(after.shape);
  // A path whose ancestor is already reported (missing, added, retyped, not read) is not repeated.
  const covered = new Set<string>();
  const isCovered = (path: string) => ancestors(path).some((a) => covered.has(a));
  for (const path of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    if (isCovered(path)) {
      covered.add(path);
      continue;
    }
    const before = was.get(path);
    const after = now.get(path);
    const base = { operation, kind, path };
    if (after === undefined && before !== undefined) {
      covered.add(path);
      // Items of an array that is empty this time cannot be compared: not exercised, not missing.
      const emptyArray = [path, ...ancestors(path)].find(
        (p) => p.endsWith('[]') && !now.has(p) && now.has(p.slice(0, -2)),
      );
      if (emptyArray !== undefined) {
        if (
          !diff.notExercised.some(
            (n) => n.operation === operation && n.kind === kind && n.path === emptyArray,
          )
        )
          diff.notExercised.push({ operation, kind, path: emptyArray });
      } else {
        diff.breaking.push({ ...base, change: 'missing', expected: join(before) });
      }
      continue;
    }
    if (before === undefined && after !== undefined) {
      covered.add(path);
      diff.additive.push({ ...base, change: 'added', received: join(after) });
      continue;
    }
    if (before === undefined || after === undefined) continue;
    const concreteBefore = [...before].filter((t) => t !== 'null');
    const concreteAfter = [...after].filter((t) => t !== 'null');
    if (concreteBefore.length > 0 && concreteAfter.some((t) => !before.has(t))) {
      covered.add(path);
      diff.breaking.push({ ...base, change: 'retyped', expected: join(before), received: join(after) });
    } else if (concreteBefore.length === 0 && concreteAfter.length > 0) {
      diff.additive.push({ ...base, change: 'typed', expected: join(before), received: join(after) });
    } else if (after.has('null') && !before.has('null')) {
      diff.additive.push({ ...base, change: 'nullable', expected: join(before), received: join(after) });
    }
  }
}

function fromFailure(failure: ExerciseFailure): ContractChange[] | undefined {
  const { error } = failure;
  const operation = failure.operation ?? error.context.operation ?? '(unknown)';
  if (isLifelineError(error, 'unsupported')) {
    if (!failure.escaped) return undefined;
    return [{ operation, kind: 'response', change: 'unsupported', message: error.message }];
  }
  if (!isLifelineError(error, 'schema_drift')) return undefined;
  const drift = error as unknown as SchemaDriftError;
  const kind = drift.objectKind ?? 'response';
  const extra = {
    ...(drift.hint === undefined ? {} : { hint: drift.hint }),
    ...(drift.suggestedVersion === undefined ? {} : { suggestedVersion: drift.suggestedVersion }),
  };
  if (drift.changes.length === 0) {
    return [{ operation, kind, change: 'drift', message: drift.message.split('\n')[0] ?? '', ...extra }];
  }
  return drift.changes.map((c) => ({
    operation,
    kind,
    change: c.kind,
    path: c.path,
    ...(c.expected === undefined ? {} : { expected: c.expected }),
    ...(c.received === undefined ? {} : { received: c.received }),
    ...(c.candidates === undefined ? {} : { candidates: c.candidates }),
    ...extra,
  }));
}

const changeId = (c: ContractChange) => `${c.operation}\u0000${c.kind}\u0000${c.change}\u0000${c.path ?? ''}`;

/**
 * Compares a baseline contract with a fresh recording and the errors of the
 * run that made it. Breaking: a baseline `path:type` that is gone, a path
 * that now has another (non-null) type, any `schema_drift` the exercise met,
 * an operation now `unsupported`. Additive: new paths, new payloads, a path
 * first seen with a type (the baseline only saw `null`), or now `null`. Other
 * errors make the check inconclusive (`errors`).
 *
 * @example
 * ```ts
 * const { breaking, additive } = diffContract(baseline, contractOf(bound, seen), seen.failures);
 * ```
 */
export function diffContract(
  baseline: Contract,
  current: Contract,
  failures: readonly ExerciseFailure[],
): ContractDiff {
  const diff: ContractDiff = { breaking: [], additive: [], notExercised: [], errors: [] };
  const failedOperations = new Set<string>();
  for (const failure of failures) {
    const changes = fromFailure(failure);
    if (changes !== undefined) {
      for (const change of changes) failedOperations.add(change.operation);
      diff.breaking.push(...changes);
    } else if (failure.escaped) {
      diff.errors.push({
        step: failure.step,
        ...(failure.operation === undefined ? {} : { operation: failure.operation }),
        code: failure.error.code,
        message: failure.error.message.split('\n')[0] ?? '',
      });
    }
  }
  const operations = [
    ...new Set([...Object.keys(baseline.operations), ...Object.keys(current.operations)]),
  ].sort();
  for (const operation of operations) {
    const before = baseline.operations[operation] ?? {};
    const after = current.operations[operation] ?? {};
    for (const kind of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const was = before[kind];
      const now = after[kind];
      if (was !== undefined && now !== undefined) comparePayload(operation, kind, was, now, diff);
      else if (was !== undefined) {
        if (!failedOperations.has(operation)) diff.notExercised.push({ operation, kind });
      } else if (now !== undefined) {
        diff.additive.push({ operation, kind, change: 'new_payload' });
      }
    }
  }
  const unique = (changes: ContractChange[]) => {
    const seen = new Set<string>();
    return changes.filter((c) => {
      const id = changeId(c);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  };
  return { ...diff, breaking: unique(diff.breaking), additive: unique(diff.additive) };
}
