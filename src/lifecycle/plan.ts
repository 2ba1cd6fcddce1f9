import type { BoundConnector } from '../connector/BoundConnector';
import type { Account, Credential, Entitlement, Session } from '../model';
import { allCredentials, findAccounts, listAll } from './discover';
import type { CredentialSelector, OffboardRequest } from './LifecycleRequest';
import type { Step } from './Step';

/** A connector whose discovery failed: its access could not be enumerated. */
export interface DiscoveryFailure {
  readonly connector: string;
  readonly code: string;
  readonly message: string;
}

/** What planning produced. */
export interface PlanResult {
  readonly steps: Step[];
  readonly failures: DiscoveryFailure[];
  /** Accounts found per connector. */
  readonly accounts: Readonly<Record<string, number>>;
}

const errorOf = (error: unknown) => ({
  code: (error as { code?: string }).code ?? 'permanent',
  message: (error as Error)?.message?.slice(0, 512) ?? 'unknown error',
});

/** Plans one account at one connector: revoke credentials, sessions, entitlements; disable; delete. */
async function planAccount(
  name: string,
  bound: BoundConnector,
  account: Account,
  request: OffboardRequest,
  now: number,
  signal: AbortSignal | undefined,
): Promise<Step[]> {
  const steps: Step[] = [];
  const group = `${name}/${account.id}`;
  const ref = { id: account.id, ...(account.username === undefined ? {} : { username: account.username }) };
  const base = { connector: name, group };
  if (bound.supports('credential.list')) {
    for await (const credential of listAll<Credential>(bound, 'credential.list', { account: ref }, signal)) {
      if (credential.status === 'revoked' || credential.status === 'expired') continue;
      steps.push({
        ...base,
        id: `${name}:credential.revoke:${credential.id}`,
        action: 'credential.revoke',
        phase: 0,
        target: {
          kind: 'credential',
          credential: {
            id: credential.id,
            accountId: credential.accountId ?? account.id,
            kind: credential.kind,
          },
          account: ref,
        },
        ...(credential.label === undefined ? {} : { label: credential.label }),
      });
    }
  }
  if (bound.supports('session.revoke')) {
    let any = true;
    if (bound.supports('session.list')) {
      any = false;
      for await (const _session of listAll<Session>(bound, 'session.list', { account: ref }, signal)) {
        any = true;
        break;
      }
    }
    if (any) {
      steps.push({
        ...base,
        id: `${name}:session.revoke:${account.id}`,
        action: 'session.revoke',
        phase: 0,
        target: { kind: 'session', account: ref },
      });
    }
  }
  if (bound.supports('entitlement.list')) {
    for await (const entitlement of listAll<Entitlement>(
      bound,
      'entitlement.list',
      { account: ref },
      signal,
    )) {
      steps.push({
        ...base,
        id: `${name}:entitlement.revoke:${account.id}/${entitlement.id}`,
        action: 'entitlement.revoke',
        phase: 0,
        target: {
          kind: 'entitlement',
          account: ref,
          entitlement: { id: entitlement.id, kind: entitlement.kind },
        },
        ...(entitlement.name === undefined ? {} : { label: entitlement.name }),
      });
    }
  }
  if (account.status !== 'disabled' && account.status !== 'deleted') {
    steps.push({
      ...base,
      id: `${name}:account.disable:${account.id}`,
      action: 'account.disable',
      phase: 1,
      target: { kind: 'account', account: ref, action: 'disable' },
    });
  }
  if (request.delete !== undefined) {
    steps.push({
      ...base,
      id: `${name}:account.delete:${account.id}`,
      action: 'account.delete',
      phase: 2,
      target: { kind: 'account', account: ref, action: 'delete' },
      ...(request.delete.afterMs > 0
        ? { notBefore: new Date(now + request.delete.afterMs).toISOString() }
        : {}),
    });
  }
  return steps;
}

/**
 * Discovers the identity's access at every connector and plans the steps of an
 * offboarding. A connector whose discovery fails does not stop the others: it
 * is reported as a failure (and becomes an escalated `discover` step).
 *
 * @example
 * ```ts
 * const { steps, failures } = await planOffboard({ acme }, request);
 * ```
 */
export async function planOffboard(
  connectors: Readonly<Record<string, BoundConnector>>,
  request: OffboardRequest,
  signal?: AbortSignal,
): Promise<PlanResult> {
  const now = Date.now();
  const results = await Promise.all(
    Object.entries(connectors).map(async ([name, bound]) => {
      try {
        const accounts = await findAccounts(bound, request.identity, signal, name);
        const steps: Step[] = [];
        for (const account of accounts)
          steps.push(...(await planAccount(name, bound, account, request, now, signal)));
        return { connector: name, steps, accounts: accounts.length };
      } catch (error) {
        // Access could not be enumerated. When the identity's account there is
        // known, still plan its disable, so that step is tried and, failing,
        // escalated with a receipt of its own.
        const known = request.identity.externalIds?.[name];
        const steps: Step[] =
          known === undefined
            ? []
            : [
                {
                  id: `${name}:account.disable:${known}`,
                  connector: name,
                  group: `${name}/${known}`,
                  action: 'account.disable',
                  phase: 1,
                  target: { kind: 'account', account: { id: known }, action: 'disable' },
                },
              ];
        return { connector: name, steps, accounts: 0, failure: { connector: name, ...errorOf(error) } };
      }
    }),
  );
  return {
    steps: results.flatMap((r) => r.steps),
    failures: results.flatMap((r) => (r.failure === undefined ? [] : [r.failure])),
    accounts: Object.fromEntries(results.map((r) => [r.connector, r.accounts])),
  };
}

function matches(
  credential: Credential,
  selector: CredentialSelector,
  accountIds: ReadonlySet<string> | undefined,
): boolean {
  if (credential.status === 'revoked' || credential.status === 'expired') return false;
  if (selector.createdBefore !== undefined) {
    if (
      credential.createdAt === undefined ||
      Date.parse(credential.createdAt) >= Date.parse(selector.createdBefore)
    )
      return false;
  }
  if (accountIds !== undefined && !accountIds.has(credential.accountId ?? '')) return false;
  if (selector.labelContains !== undefined && !(credential.label ?? '').includes(selector.labelContains))
    return false;
  if (selector.kinds !== undefined && !selector.kinds.includes(credential.kind)) return false;
  return true;
}

/** Receives a streamed plan a page at a time (e.g. writes it to the run's journal). */
export type PlanSink = (steps: readonly Step[]) => Promise<void> | void;

/** Steps handed to a {@link PlanSink} at once. */
export const PLAN_PAGE = 500;

/**
 * Plans an emergency revocation: every credential matching the selector at
 * every connector.
 *
 * @example
 * ```ts
 * const { steps } = await planEmergencyRevoke({ acme }, { createdBefore: '2026-11-01T00:00:00Z' });
 * ```
 */
export async function planEmergencyRevoke(
  connectors: Readonly<Record<string, BoundConnector>>,
  selector: CredentialSelector,
  signal?: AbortSignal,
): Promise<PlanResult> {
  const steps: Step[] = [];
  const failures = await streamEmergencyRevoke(
    connectors,
    selector,
    (page) => {
      steps.push(...page);
    },
    signal,
  );
  return { steps, failures, accounts: {} };
}

/**
 * Plans an emergency revocation as a stream: every matching credential at
 * every connector (connectors discovered concurrently) becomes a step handed
 * to `sink` in pages of {@link PLAN_PAGE}; discovery waits for the sink, so a
 * plan of any size is held a page at a time. Resolves the connectors whose
 * discovery failed (their steps found before the failure were still handed over).
 *
 * @example
 * ```ts
 * const failures = await streamEmergencyRevoke({ acme }, selector, (page) => journal.add(page));
 * ```
 */
export async function streamEmergencyRevoke(
  connectors: Readonly<Record<string, BoundConnector>>,
  selector: CredentialSelector,
  sink: PlanSink,
  signal?: AbortSignal,
): Promise<DiscoveryFailure[]> {
  const accountIds = selector.accountIds === undefined ? undefined : new Set(selector.accountIds);
  const results = await Promise.all(
    Object.entries(connectors).map(async ([name, bound]): Promise<DiscoveryFailure | undefined> => {
      let page: Step[] = [];
      // A failing sink (the journal) fails the plan; only discovery errors become failures.
      let sinkFailed = false;
      const hand = async (full: Step[]) => {
        try {
          await sink(full);
        } catch (error) {
          sinkFailed = true;
          throw error;
        }
      };
      try {
        for await (const credential of allCredentials(bound, signal, true)) {
          if (!matches(credential, selector, accountIds)) continue;
          const accountId = credential.accountId ?? '';
          page.push({
            id: `${name}:credential.revoke:${credential.id}`,
            connector: name,
            group: `${name}/${accountId}`,
            action: 'credential.revoke',
            phase: 0,
            target: {
              kind: 'credential',
              credential: { id: credential.id, kind: credential.kind, ...(accountId ? { accountId } : {}) },
              ...(accountId ? { account: { id: accountId } } : {}),
            },
            ...(credential.label === undefined ? {} : { label: credential.label }),
          });
          if (page.length >= PLAN_PAGE) {
            const full = page;
            page = [];
            await hand(full);
          }
        }
        if (page.length > 0) await hand(page);
        return undefined;
      } catch (error) {
        if (sinkFailed) throw error;
        if (page.length > 0) await sink(page);
        return { connector: name, ...errorOf(error) };
      }
    }),
  );
  return results.filter((failure): failure is DiscoveryFailure => failure !== undefined);
}
