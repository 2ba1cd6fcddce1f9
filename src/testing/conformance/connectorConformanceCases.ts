import { AssertionError } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { type AuditEvent, type AuditEventInput, callbackSink, createAuditEmitter } from '../../audit';
import type { BoundConnector } from '../../connector/BoundConnector';
import type { OperationName } from '../../connector/operations';
import { isLifelineError } from '../../errors';
import { type RevocationResult, type RevocationTargetInput, revoke } from '../../revocation';
import { memoryStore } from '../../stores/memoryStore';
import { instrumentOperation, SPAN_NAMES, withSpan } from '../../telemetry';
import type { ConformanceCheckId } from './ConformanceReport';
import type { CapturingLogger } from './capturingLogger';
import type { SpanLike } from './createSpanRecorder';
import type { TargetController, TargetFault, TargetFaultHandle, TargetObject } from './TargetController';

/** Objects and sizes the checks use. */
export interface ResolvedFixtures {
  readonly revocable: 'credential' | 'account' | undefined;
  readonly listSize: number;
  readonly pageSize: number;
}

/** What one check runs with: a fresh binding and target. */
export interface CheckEnv {
  readonly connector: BoundConnector;
  readonly target: TargetController;
  readonly fixtures: ResolvedFixtures;
  readonly logger: CapturingLogger;
  readonly canary: string;
  readonly signal: AbortSignal;
  /** Spans recorded during the check. */
  readonly spans: () => Iterable<SpanLike>;
  /** Where spans come from, for the report. */
  readonly spanSource: string;
  /** Adds a line to the check's notes. */
  note(text: string): void;
}

/** One check: `requires` names a missing capability (the check is skipped), `run` throws on failure. */
export interface ConnectorCheck {
  readonly id: ConformanceCheckId;
  readonly requires?: (env: CheckEnv) => string | undefined;
  readonly run: (env: CheckEnv) => Promise<void>;
}

/** Thrown by a check to skip itself (a controller that cannot inject a fault); never escapes the kit. */
export class CheckSkipped extends AssertionError {
  constructor(reason: string) {
    super({ message: reason });
    this.name = 'CheckSkipped';
  }
}

function fail(message: string): never {
  throw new AssertionError({ message });
}

function describeError(error: unknown): string {
  if (isLifelineError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function outcomeText(outcome: RevocationResult): string {
  const error = outcome.error === undefined ? '' : ` (${outcome.error.code}: ${outcome.error.message})`;
  return `${outcome.status}, verified: ${outcome.verified}${error}`;
}

function uid(): string {
  return randomBytes(6).toString('hex');
}

async function call<N extends OperationName>(env: CheckEnv, operation: N, input: unknown): Promise<unknown> {
  return env.connector.call(operation, input as never, { signal: env.signal });
}

/** Runs `operation`; a failure fails the check with what was being done. */
async function must<N extends OperationName>(env: CheckEnv, operation: N, input: unknown): Promise<unknown> {
  try {
    return await call(env, operation, input);
  } catch (error) {
    if (error instanceof AssertionError) throw error;
    fail(`${operation} failed with ${describeError(error)}`);
  }
}

async function inject(env: CheckEnv, fault: TargetFault): Promise<TargetFaultHandle> {
  try {
    return await env.target.inject(fault);
  } catch (error) {
    if (isLifelineError(error, 'unsupported')) {
      throw new CheckSkipped(`the target controller cannot inject this fault: ${error.message}`);
    }
    throw error;
  }
}

async function requestsOf(env: CheckEnv, operation?: OperationName): Promise<number> {
  try {
    return await env.target.requests(operation);
  } catch (error) {
    if (isLifelineError(error, 'unsupported')) {
      throw new CheckSkipped(`the target controller cannot count requests: ${error.message}`);
    }
    throw error;
  }
}

/** A revocable object on the target and the revocation that removes it. */
interface Revocable {
  readonly object: TargetObject;
  readonly revocation: RevocationTargetInput;
}

function revocableKind(env: CheckEnv): 'credential' | 'account' | undefined {
  const wanted = env.fixtures.revocable;
  const credential = env.connector.supports('credential.revoke') && env.target.createCredential !== undefined;
  const account = env.connector.supports('account.delete');
  if (wanted === 'credential') return credential ? 'credential' : undefined;
  if (wanted === 'account') return account ? 'account' : undefined;
  return credential ? 'credential' : account ? 'account' : undefined;
}

const NO_REVOCABLE = 'needs credential.revoke (and a controller that creates credentials) or account.delete';

async function createRevocable(env: CheckEnv, missing = false): Promise<Revocable> {
  const kind = revocableKind(env);
  if (kind === 'credential' && env.target.createCredential !== undefined) {
    const accountId = await env.target.createAccount();
    const credential = missing
      ? { id: `missing-${uid()}`, accountId }
      : await env.target.createCredential(accountId);
    return {
      object: { kind: 'credential', id: credential.id, accountId },
      revocation: { kind: 'credential', credential, account: { id: accountId } },
    };
  }
  const id = missing ? `missing-${uid()}` : await env.target.createAccount();
  return {
    object: { kind: 'account', id },
    revocation: { kind: 'account', account: { id }, action: 'delete' },
  };
}

/** An idempotent read the fault checks use, chosen by capability. */
interface Probe {
  readonly operation: OperationName;
  readonly run: () => Promise<unknown>;
}

const PROBE_OPERATIONS = ['account.get', 'credential.get', 'account.list', 'connection.test'] as const;

function probeRequirement(env: CheckEnv): string | undefined {
  if (PROBE_OPERATIONS.some((operation) => env.connector.supports(operation))) return undefined;
  return `needs an idempotent read (${PROBE_OPERATIONS.join(', ')})`;
}

async function createProbe(env: CheckEnv): Promise<Probe> {
  const { connector } = env;
  if (connector.supports('account.get')) {
    const id = await env.target.createAccount();
    return { operation: 'account.get', run: () => call(env, 'account.get', { account: { id } }) };
  }
  if (connector.supports('credential.get') && env.target.createCredential !== undefined) {
    const credential = await env.target.createCredential(await env.target.createAccount());
    return { operation: 'credential.get', run: () => call(env, 'credential.get', { credential }) };
  }
  if (connector.supports('account.list')) {
    return { operation: 'account.list', run: () => call(env, 'account.list', { pageSize: 1 }) };
  }
  return { operation: 'connection.test', run: () => call(env, 'connection.test', {}) };
}

/** Runs the probe once normally (resolving adapters, discovery) and returns the requests one call makes. */
async function warmUp(env: CheckEnv, probe: Probe): Promise<number> {
  await probe.run().catch((error: unknown) => {
    fail(`${probe.operation} failed before any fault was injected: ${describeError(error)}`);
  });
  const before = await requestsOf(env, probe.operation);
  await probe.run().catch((error: unknown) => {
    fail(`${probe.operation} failed before any fault was injected: ${describeError(error)}`);
  });
  return (await requestsOf(env, probe.operation)) - before;
}

async function revokeOnce(
  env: CheckEnv,
  revocation: RevocationTargetInput,
  store: ReturnType<typeof memoryStore>,
  eventId: string,
): Promise<RevocationResult> {
  try {
    return await revoke(env.connector, revocation, {
      store,
      eventId,
      signal: env.signal,
      verify: { attempts: 4, initialDelayMs: 100 },
    });
  } catch (error) {
    fail(`revoke() threw instead of returning an outcome: ${describeError(error)}`);
  }
}

/** A non-idempotent operation and its input, or undefined. */
async function nonIdempotent(
  env: CheckEnv,
): Promise<{ operation: OperationName; input: unknown } | undefined> {
  const { connector } = env;
  if (connector.supports('account.create') && !connector.isIdempotent('account.create')) {
    const id = `conformance-${uid()}`;
    return {
      operation: 'account.create',
      input: { identity: { id, kind: 'service_account', displayName: id }, username: id },
    };
  }
  if (
    connector.supports('credential.rotate') &&
    !connector.isIdempotent('credential.rotate') &&
    env.target.createCredential !== undefined
  ) {
    const credential = await env.target.createCredential(await env.target.createAccount());
    return { operation: 'credential.rotate', input: { credential } };
  }
  return undefined;
}

function excerpt(text: string, canary: string): string {
  const at = text.indexOf(canary);
  const start = Math.max(0, at - 40);
  const end = Math.min(text.length, at + canary.length + 40);
  return `…${text.slice(start, end).split(canary).join('[canary]').replace(/\s+/g, ' ')}…`;
}

function serialize(value: unknown): string {
  let json = '';
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    // circular: inspect covers it
  }
  return `${json}\n${inspect(value, { depth: 8, breakLength: Number.POSITIVE_INFINITY })}`;
}

const AUDIT_BASE = {
  runId: 'conformance-run',
  lifecycleEvent: { id: 'conformance-event', type: 'leaver', reason: 'conformance kit' },
  actor: { kind: 'system', id: 'lifeline-conformance' },
  subject: { id: 'conformance-subject', kind: 'service_account' },
} as const;

/**
 * The connector conformance checks, in order. Each runs against a fresh
 * binding and target; each is skipped when the connector lacks what it needs.
 */
export const CONNECTOR_CHECKS: readonly ConnectorCheck[] = [
  {
    id: 'connection-test',
    requires: (env) => (env.connector.supports('connection.test') ? undefined : 'needs connection.test'),
    async run(env) {
      const result = (await must(env, 'connection.test', {})) as { ok?: unknown };
      if (result.ok !== true) fail(`connection.test returned ${inspect(result)} instead of { ok: true }`);
    },
  },
  {
    id: 'list-complete',
    requires: (env) => (env.connector.supports('account.list') ? undefined : 'needs account.list'),
    async run(env) {
      const { listSize, pageSize } = env.fixtures;
      const created = new Set<string>();
      for (let i = 0; i < listSize; i++) created.add(await env.target.createAccount());
      const seen = new Set<string>();
      const cursors = new Set<string>();
      let cursor: string | undefined;
      let pages = 0;
      const maxPages = 10_000;
      for (; pages < maxPages; ) {
        const page = (await must(env, 'account.list', {
          pageSize,
          ...(cursor === undefined ? {} : { cursor }),
        })) as { items: { id: string }[]; nextCursor?: string };
        pages++;
        if (page.items.length > pageSize) {
          fail(`page ${pages} held ${page.items.length} accounts although pageSize was ${pageSize}`);
        }
        for (const item of page.items) {
          if (seen.has(item.id)) fail(`account ${item.id} appeared twice while paging (page ${pages})`);
          seen.add(item.id);
        }
        if (page.nextCursor === undefined) break;
        if (cursors.has(page.nextCursor)) fail(`the cursor repeated on page ${pages}: paging would loop`);
        cursors.add(page.nextCursor);
        cursor = page.nextCursor;
      }
      if (pages >= maxPages) fail(`paging did not end after ${maxPages} pages`);
      const missing = [...created].filter((id) => !seen.has(id));
      if (missing.length > 0) {
        fail(
          `${missing.length} of ${created.size} accounts created on the target were missing after ${pages} pages (e.g. ${missing.slice(0, 3).join(', ')}): follow nextCursor until the target says there are no more`,
        );
      }
      if (pages < 2) {
        fail(
          `${seen.size} accounts came back in one page although pageSize was ${pageSize}: pass pageSize to the target so paging is exercised`,
        );
      }
      env.note(
        `${pages} pages of at most ${pageSize}, ${seen.size} accounts, all ${created.size} created ones`,
      );
    },
  },
  {
    id: 'revoke-idempotent',
    requires: (env) => (revocableKind(env) === undefined ? NO_REVOCABLE : undefined),
    async run(env) {
      const { object, revocation } = await createRevocable(env);
      const store = memoryStore();
      const eventId = `conformance-${uid()}`;
      const first = await revokeOnce(env, revocation, store, eventId);
      if (first.status !== 'revoked' || !first.verified) {
        fail(
          `the first revocation of ${object.kind} ${object.id} was ${outcomeText(first)}; expected revoked and verified`,
        );
      }
      const applied = await env.target.applied(object);
      if (applied !== 1) fail(`the target applied the first revocation ${applied} times; expected exactly 1`);
      const before = await requestsOf(env);
      const replay = await revokeOnce(env, revocation, store, eventId);
      if (!replay.replayed || replay.status !== 'revoked') {
        fail(
          `repeating the same revocation returned ${outcomeText(replay)} (replayed: ${replay.replayed}); expected the stored outcome`,
        );
      }
      const after = await requestsOf(env);
      if (after !== before)
        fail(`a replayed revocation sent ${after - before} requests to the target; expected none`);
      const second = await revokeOnce(env, revocation, store, `conformance-${uid()}`);
      if (second.status !== 'already_absent' || !second.verified) {
        fail(
          `a second revocation (another lifecycle event) was ${outcomeText(second)}; expected already_absent and verified — throw NotFoundError when the target says the object is gone (ctx.fetch does it for a 404)`,
        );
      }
      const total = await env.target.applied(object);
      if (total !== 1) fail(`after two revocations the target applied ${total} changes; expected exactly 1`);
      env.note(`${object.kind} ${object.id}: revoked, replayed, then already_absent; applied once`);
    },
  },
  {
    id: 'revoke-missing',
    requires: (env) => (revocableKind(env) === undefined ? NO_REVOCABLE : undefined),
    async run(env) {
      const { object, revocation } = await createRevocable(env, true);
      const outcome = await revokeOnce(env, revocation, memoryStore(), `conformance-${uid()}`);
      if (outcome.status === 'revoked') {
        fail(
          `revoking ${object.kind} ${object.id}, which never existed, reported revoked: the connector turned the target's "not found" into a success. Throw NotFoundError (ctx.fetch does it for a 404) so it is recorded as already_absent`,
        );
      }
      if (outcome.status !== 'already_absent') {
        fail(
          `revoking a missing ${object.kind} was ${outcomeText(outcome)}; expected already_absent, not an error`,
        );
      }
      if (!outcome.verified) {
        fail(
          `revoking a missing ${object.kind} was already_absent but not verified (${outcome.evidence?.detail ?? outcome.evidence?.observed ?? 'no evidence'})`,
        );
      }
      const applied = await env.target.applied(object);
      if (applied !== 0) fail(`the target applied ${applied} changes to an object that does not exist`);
      env.note(`missing ${object.kind}: already_absent, verified by ${outcome.evidence?.method}`);
    },
  },
  {
    id: 'disable-verified',
    requires: (env) => (env.connector.supports('account.disable') ? undefined : 'needs account.disable'),
    async run(env) {
      const id = await env.target.createAccount();
      const outcome = await revokeOnce(
        env,
        { kind: 'account', account: { id }, action: 'disable' },
        memoryStore(),
        `conformance-${uid()}`,
      );
      if (outcome.status !== 'revoked')
        fail(`disabling account ${id} was ${outcomeText(outcome)}; expected revoked`);
      if (!outcome.verified) {
        fail(
          `disabling account ${id} was not verified (${outcome.evidence?.detail ?? `observed ${outcome.evidence?.observed}`}): implement account.get returning status "disabled" so the disable can be read back`,
        );
      }
      const onTarget = await env.target.accountStatus(id);
      if (onTarget !== 'disabled' && onTarget !== undefined) {
        fail(`the disable was reported verified, but the target still holds account ${id} as ${onTarget}`);
      }
      env.note(
        `verified by ${outcome.evidence?.method}, observed ${outcome.evidence?.observed}; target: ${onTarget ?? 'absent'}`,
      );
    },
  },
  {
    id: 'retry-after',
    requires: probeRequirement,
    async run(env) {
      const probe = await createProbe(env);
      const perCall = await warmUp(env, probe);
      const retryAfterSeconds = 1;
      const fault = await inject(env, {
        kind: 'status',
        operation: probe.operation,
        status: 429,
        times: 1,
        retryAfterSeconds,
      });
      const before = await requestsOf(env, probe.operation);
      const started = performance.now();
      try {
        await probe.run();
      } catch (error) {
        fail(
          `${probe.operation} failed after a 429 with Retry-After: ${retryAfterSeconds} (${describeError(error)}); it should wait and retry`,
        );
      } finally {
        await fault.dispose();
      }
      const elapsed = performance.now() - started;
      const sent = (await requestsOf(env, probe.operation)) - before;
      if (fault.fired() !== 1) fail(`the 429 fault fired ${fault.fired()} times; expected 1`);
      if (elapsed < retryAfterSeconds * 1000 - 50) {
        fail(
          `${probe.operation} retried ${Math.round(elapsed)} ms after a 429 with Retry-After: ${retryAfterSeconds}; it must wait at least ${retryAfterSeconds * 1000} ms`,
        );
      }
      if (sent !== perCall + 1)
        fail(`${probe.operation} sent ${sent} requests around one 429; expected ${perCall + 1}`);
      env.note(
        `${probe.operation} succeeded ${Math.round(elapsed)} ms after a 429 with Retry-After: ${retryAfterSeconds}`,
      );
    },
  },
  {
    id: 'retry-idempotent-5xx',
    requires: probeRequirement,
    async run(env) {
      const probe = await createProbe(env);
      const perCall = await warmUp(env, probe);
      const fault = await inject(env, { kind: 'status', operation: probe.operation, status: 503, times: 1 });
      const before = await requestsOf(env, probe.operation);
      try {
        await probe.run();
      } catch (error) {
        fail(
          `${probe.operation} (idempotent) failed on a single 503 instead of retrying: ${describeError(error)}`,
        );
      } finally {
        await fault.dispose();
      }
      const sent = (await requestsOf(env, probe.operation)) - before;
      if (sent !== perCall + 1)
        fail(`${probe.operation} sent ${sent} requests around one 503; expected ${perCall + 1}`);
      env.note(`${probe.operation} retried once after a 503`);
    },
  },
  {
    id: 'no-retry-non-idempotent-5xx',
    requires: (env) =>
      (env.connector.supports('account.create') && !env.connector.isIdempotent('account.create')) ||
      (env.connector.supports('credential.rotate') && !env.connector.isIdempotent('credential.rotate'))
        ? undefined
        : 'needs a non-idempotent operation (account.create or credential.rotate)',
    async run(env) {
      const subject = await nonIdempotent(env);
      if (subject === undefined)
        throw new CheckSkipped('the target controller cannot create a credential to rotate');
      const fault = await inject(env, {
        kind: 'status',
        operation: subject.operation,
        status: 500,
        times: 1,
      });
      const before = await requestsOf(env, subject.operation);
      let failure: unknown;
      try {
        await call(env, subject.operation, subject.input);
      } catch (error) {
        failure = error;
      } finally {
        await fault.dispose();
      }
      const sent = (await requestsOf(env, subject.operation)) - before;
      if (failure === undefined || sent > 1) {
        fail(
          `${subject.operation} was sent ${sent} times after a 500: a non-idempotent operation must not be retried once the request may have reached the target (it could apply twice)`,
        );
      }
      if (!isLifelineError(failure, 'transient')) {
        fail(`${subject.operation} failed with ${describeError(failure)} on a 500; expected transient`);
      }
      env.note(`${subject.operation}: one request, transient error, no retry`);
    },
  },
  {
    id: 'breaker-opens',
    requires: probeRequirement,
    async run(env) {
      const probe = await createProbe(env);
      await warmUp(env, probe);
      const outage = await inject(env, { kind: 'outage' });
      try {
        const maxCalls = 50;
        let calls = 0;
        let last = 'none';
        let opened = false;
        for (; calls < maxCalls && !opened && !env.signal.aborted; calls++) {
          try {
            await probe.run();
            last = 'success';
          } catch (error) {
            opened = isLifelineError(error, 'circuit_open');
            last = isLifelineError(error) ? error.code : String(error);
          }
        }
        if (!opened) {
          fail(
            `after ${calls} calls during an outage (every request answered 503) the breaker never opened (last result: ${last}); configure resilience.breaker and do not bind with directPolicy`,
          );
        }
        const before = await requestsOf(env);
        const again = await probe.run().then(
          () => undefined,
          (error: unknown) => error,
        );
        const sent = (await requestsOf(env)) - before;
        if (!isLifelineError(again, 'circuit_open')) {
          fail(`the call after the breaker opened returned ${describeError(again)}; expected circuit_open`);
        }
        if (sent !== 0) fail(`an open breaker still sent ${sent} requests; it must fail fast`);
        env.note(`opened after ${calls} calls; the next call failed fast with circuit_open`);
      } finally {
        await outage.dispose();
      }
    },
  },
  {
    id: 'drift-fails-closed',
    requires: (env) =>
      ['account.get', 'credential.get', 'account.list'].some((op) =>
        env.connector.supports(op as OperationName),
      )
        ? undefined
        : 'needs a read (account.get, credential.get or account.list)',
    async run(env) {
      const { connector } = env;
      const accountId = await env.target.createAccount();
      const credential =
        !connector.supports('account.get') && env.target.createCredential !== undefined
          ? await env.target.createCredential(accountId)
          : undefined;
      const read = connector.supports('account.get')
        ? { operation: 'account.get' as const, input: { account: { id: accountId } } }
        : connector.supports('credential.get') && credential !== undefined
          ? { operation: 'credential.get' as const, input: { credential } }
          : { operation: 'account.list' as const, input: {} };
      await must(env, read.operation, read.input);
      const disableId = await env.target.createAccount();
      const revocable =
        connector.supports('account.disable') && connector.supports('account.get')
          ? undefined
          : revocableKind(env) === undefined
            ? undefined
            : await createRevocable(env);
      const fault = await inject(env, { kind: 'breaking_change' });
      try {
        const result = await call(env, read.operation, read.input).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        if ('value' in result) {
          fail(
            `${read.operation} returned a result although the target's payload no longer matches any API version: validate every payload (ctx.adapter.read or zod) so drift is schema_drift`,
          );
        }
        if (!isLifelineError(result.error, 'schema_drift')) {
          fail(
            `${read.operation} failed with ${describeError(result.error)} on a changed payload; expected schema_drift`,
          );
        }
        const revocation: RevocationTargetInput = revocable?.revocation ?? {
          kind: 'account',
          account: { id: disableId },
          action: 'disable',
        };
        const outcome = await revokeOnce(env, revocation, memoryStore(), `conformance-${uid()}`);
        if (outcome.status === 'revoked' || outcome.status === 'already_absent') {
          fail(
            `a ${revocation.kind} revocation against changed payloads was reported ${outcomeText(outcome)}: a false success. Read the response and the read-back through the adapter so drift fails closed`,
          );
        }
        if (outcome.error?.code !== 'schema_drift') {
          fail(
            `a ${revocation.kind} revocation against changed payloads was ${outcomeText(outcome)}; expected failed with schema_drift`,
          );
        }
        env.note(`${read.operation}: schema_drift; ${revocation.kind} revocation: failed with schema_drift`);
      } finally {
        await fault.dispose();
      }
    },
  },
  {
    id: 'no-secret-leak',
    async run(env) {
      const { connector, canary } = env;
      const events: AuditEvent[] = [];
      const audit = createAuditEmitter({ sinks: [callbackSink((batch) => void events.push(...batch))] });
      const errors: unknown[] = [];
      let succeeded = 0;
      const traced = async <T>(operation: string, fn: () => Promise<T>): Promise<T | undefined> => {
        try {
          const result = await instrumentOperation(
            {
              connector: connector.id,
              operation,
              tenant: connector.tenant,
              connectorVersion: connector.version,
            },
            fn,
          );
          succeeded++;
          return result;
        } catch (error) {
          errors.push(error);
          return undefined;
        }
      };
      const target = {
        connector: connector.id,
        connectorVersion: connector.version,
        tenant: connector.tenant,
      };
      const audited = async (revocation: RevocationTargetInput) => {
        const outcome = await withSpan(SPAN_NAMES.step, () =>
          revokeOnce(env, revocation, memoryStore(), `conformance-${uid()}`),
        );
        const action = outcome.action;
        if (outcome.status !== 'failed') succeeded++;
        else if (outcome.error !== undefined) errors.push(outcome.error);
        const input: AuditEventInput = {
          ...AUDIT_BASE,
          type: outcome.status === 'failed' ? 'step.failed' : 'step.completed',
          stepId: `step-${uid()}`,
          action,
          target: { ...target, object: outcome.ref },
          outcome: { status: outcome.status, verified: outcome.verified },
          ...(outcome.error === undefined
            ? {}
            : { error: { ...outcome.error, message: outcome.error.message.slice(0, 1000) } }),
        };
        audit.emit(input);
      };
      // A failed read is audited as the lifecycle layer would: the step whose verification read failed.
      const failed = (operation: OperationName, error: unknown) => {
        audit.emit({
          ...AUDIT_BASE,
          type: 'step.failed',
          stepId: `step-${uid()}`,
          action: 'account.disable',
          target,
          outcome: { status: 'failed', verified: false },
          error: {
            code: isLifelineError(error) ? error.code : 'permanent',
            message: (error instanceof Error ? error.message : String(error)).slice(0, 1000),
          },
          message: `${operation} failed`,
        });
      };

      if (connector.supports('connection.test'))
        await traced('connection.test', () => call(env, 'connection.test', {}));
      if (revocableKind(env) !== undefined) {
        await audited((await createRevocable(env)).revocation);
        await audited((await createRevocable(env, true)).revocation);
      }
      if (connector.supports('account.disable')) {
        await audited({
          kind: 'account',
          account: { id: await env.target.createAccount() },
          action: 'disable',
        });
      }
      if (probeRequirement(env) === undefined) {
        const probe = await createProbe(env);
        await traced(probe.operation, probe.run);
        for (const status of [401, 500]) {
          const fault = await env.target
            .inject({ kind: 'status', operation: probe.operation, status, times: 10 })
            .catch(() => undefined);
          if (fault === undefined) continue;
          const before = errors.length;
          await traced(probe.operation, probe.run);
          await fault.dispose();
          for (const error of errors.slice(before)) failed(probe.operation, error);
        }
      }
      await audit.flush({ signal: env.signal });
      await audit.close({ signal: env.signal });
      const { rejected } = audit.stats();
      if (rejected > 0) env.note(`${rejected} audit events were rejected by the schema (not inspected)`);

      if (succeeded === 0) {
        const first = errors[0];
        fail(
          `no operation succeeded against the target, so nothing shows the credential was used and the leak check has nothing to inspect (first error: ${first === undefined ? 'none' : isLifelineError(first) ? `${first.code}: ${first.message}` : serialize(first).split('\n')[0]}); fix the other checks first`,
        );
      }
      const spans = [...env.spans()];
      const sources: [string, string[]][] = [
        ['audit event', events.map((event) => serialize(event))],
        [
          'span',
          spans.map((span) =>
            serialize({
              name: span.name,
              attributes: span.attributes,
              events: span.events,
              status: span.status,
            }),
          ),
        ],
        ['log line', env.logger.lines.map((line) => `${line.message}\n${serialize(line.fields)}`)],
        ['error', errors.map((error) => `${error instanceof Error ? error.stack : ''}\n${serialize(error)}`)],
      ];
      const leaks: string[] = [];
      for (const [kind, texts] of sources) {
        const hits = texts.filter((text) => text.includes(canary));
        if (hits.length > 0)
          leaks.push(
            `${hits.length} ${kind}${hits.length === 1 ? '' : 's'} (first: ${excerpt(hits[0] as string, canary)})`,
          );
      }
      if (leaks.length > 0) {
        fail(
          `the connector's credential (the canary secret) appeared in ${leaks.join('; ')}. Keep secrets out of log fields, error messages and span attributes; read the credential only where it is sent (ctx.credential.reveal() in a header)`,
        );
      }
      env.note(
        `inspected ${events.length} audit events, ${spans.length} spans (${env.spanSource}), ${env.logger.lines.length} log lines, ${errors.length} errors`,
      );
    },
  },
];
