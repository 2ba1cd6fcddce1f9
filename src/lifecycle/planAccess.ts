import type { BoundConnector } from '../connector/BoundConnector';
import { InvalidInputError, isLifelineError } from '../errors';
import type { Account, Entitlement, Identity } from '../model';
import { findAccounts, listAll } from './discover';
import type { MoveRequest, OnboardRequest } from './LifecycleRequest';
import type { DiscoveryFailure, PlanResult } from './plan';
import type { Step } from './Step';

type Access = OnboardRequest['access'][string];

const errorOf = (error: unknown) => ({
  code: isLifelineError(error) ? error.code : 'permanent',
  message: (error as Error)?.message?.slice(0, 512) ?? 'unknown error',
});

/** The connectors of `access`, each of which must be in the run. */
function entries(
  connectors: Readonly<Record<string, BoundConnector>>,
  access: Readonly<Record<string, Access>>,
): [string, BoundConnector, Access][] {
  return Object.entries(access).map(([name, wanted]) => {
    const bound = connectors[name];
    if (bound === undefined) {
      throw new InvalidInputError(
        `The request names connector "${name}", which is not in this run; known: ${Object.keys(connectors).join(', ')}.`,
        { issues: [{ path: ['access', name], message: 'unknown connector' }] },
      );
    }
    return [name, bound, wanted];
  });
}

function grantStep(
  name: string,
  group: string,
  account: { id?: string; username?: string },
  entitlement: { id: string; kind?: Entitlement['kind'] | undefined },
): Step {
  const who = account.id ?? account.username ?? group;
  return {
    id: `${name}:entitlement.grant:${who}/${entitlement.id}`,
    connector: name,
    group,
    action: 'entitlement.grant',
    phase: 1,
    grant: {
      ...(account.id === undefined ? {} : { accountId: account.id }),
      ...(account.username === undefined ? {} : { username: account.username }),
      entitlementId: entitlement.id,
      ...(entitlement.kind === undefined ? {} : { entitlementKind: entitlement.kind }),
    },
  };
}

/** The identity's one existing account at a connector: by the request, `externalIds`, or discovery. */
async function existingAccount(
  name: string,
  bound: BoundConnector,
  identity: Identity,
  wanted: Access,
  signal: AbortSignal | undefined,
): Promise<Account | { id: string; username?: string } | undefined> {
  if (wanted.account?.id !== undefined) {
    return {
      id: wanted.account.id,
      ...(wanted.account.username === undefined ? {} : { username: wanted.account.username }),
    };
  }
  const username = wanted.account?.username;
  const accounts = await findAccounts(bound, identity, signal, name);
  const matching =
    username === undefined ? accounts : accounts.filter((a) => a.username === username || a.id === username);
  const live = matching.filter((a) => a.status !== 'deleted');
  if (live.length > 1) {
    throw new InvalidInputError(
      `Identity ${identity.id} has ${live.length} accounts at ${name} (${live
        .slice(0, 5)
        .map((a) => a.id)
        .join(', ')}); name the one to change with access.${name}.account.id.`,
    );
  }
  return live[0];
}

/**
 * Plans a joiner: per connector, create the identity's account (unless it
 * already exists there), then grant each entitlement to it. Grants are phase 1
 * of the account's group, so they start only after the create settled, and use
 * the created account's id. A connector whose lookup fails still gets its
 * create planned: the ledger keeps the create to one.
 *
 * @example
 * ```ts
 * const { steps } = await planOnboard({ acme }, request); // account.create, then entitlement.grant per entitlement
 * ```
 */
export async function planOnboard(
  connectors: Readonly<Record<string, BoundConnector>>,
  request: OnboardRequest,
  signal?: AbortSignal,
): Promise<PlanResult> {
  const results = await Promise.all(
    entries(connectors, request.access).map(async ([name, bound, wanted]) => {
      let existing: Awaited<ReturnType<typeof existingAccount>>;
      try {
        existing = await existingAccount(name, bound, request.identity, wanted, signal);
      } catch (error) {
        if (isLifelineError(error, 'invalid_input')) throw error;
        existing = undefined; // cannot look: plan the create; its step fails or escalates on its own
      }
      const steps: Step[] = [];
      let accountRef: { id?: string; username?: string };
      let group: string;
      if (existing !== undefined) {
        accountRef = {
          id: existing.id,
          ...(existing.username === undefined ? {} : { username: existing.username }),
        };
        group = `${name}/${existing.id}`;
      } else {
        const username = wanted.account?.username ?? request.identity.id;
        accountRef = { username };
        group = `${name}/+${username}`;
        steps.push({
          id: `${name}:account.create:${username}`,
          connector: name,
          group,
          action: 'account.create',
          phase: 0,
          grant: { username },
          label: username,
        });
      }
      const seen = new Set<string>();
      for (const entitlement of wanted.entitlements) {
        if (seen.has(entitlement.id)) continue;
        seen.add(entitlement.id);
        steps.push(grantStep(name, group, accountRef, entitlement));
      }
      return { connector: name, steps, accounts: existing === undefined ? 0 : 1 };
    }),
  );
  return {
    steps: results.flatMap((r) => r.steps),
    failures: [],
    accounts: Object.fromEntries(results.map((r) => [r.connector, r.accounts])),
  };
}

/**
 * Plans a mover: per connector, reads the account's current entitlements
 * (`entitlement.list`), then removes what is no longer wanted (phase 0,
 * revocations like an offboarding's) before adding what is missing (phase 1
 * grants, which start only after every removal of the account settled). A
 * connector whose account or entitlements cannot be read is a discovery
 * failure (escalated as a whole); the others still run.
 *
 * @example
 * ```ts
 * const { steps } = await planMove({ acme }, request); // entitlement.revoke ..., then entitlement.grant ...
 * ```
 */
export async function planMove(
  connectors: Readonly<Record<string, BoundConnector>>,
  request: MoveRequest,
  signal?: AbortSignal,
): Promise<PlanResult> {
  const results = await Promise.all(
    entries(connectors, request.access).map(async ([name, bound, wanted]) => {
      try {
        const account = await existingAccount(name, bound, request.identity, wanted, signal);
        if (account === undefined) {
          throw new InvalidInputError(
            `Identity ${request.identity.id} has no account at ${name} to move; onboard it first or name access.${name}.account.id.`,
          );
        }
        const ref = {
          id: account.id,
          ...(account.username === undefined ? {} : { username: account.username }),
        };
        const group = `${name}/${account.id}`;
        const desired = new Map(wanted.entitlements.map((e) => [e.id, e]));
        const current = new Set<string>();
        const steps: Step[] = [];
        for await (const entitlement of listAll<Entitlement>(
          bound,
          'entitlement.list',
          { account: ref },
          signal,
        )) {
          if (current.has(entitlement.id)) continue;
          current.add(entitlement.id);
          if (desired.has(entitlement.id)) continue;
          steps.push({
            id: `${name}:entitlement.revoke:${account.id}/${entitlement.id}`,
            connector: name,
            group,
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
        for (const entitlement of desired.values()) {
          if (!current.has(entitlement.id)) steps.push(grantStep(name, group, ref, entitlement));
        }
        return { connector: name, steps, accounts: 1 };
      } catch (error) {
        const failure: DiscoveryFailure = { connector: name, ...errorOf(error) };
        return { connector: name, steps: [] as Step[], accounts: 0, failure };
      }
    }),
  );
  return {
    steps: results.flatMap((r) => r.steps),
    failures: results.flatMap((r) => (r.failure === undefined ? [] : [r.failure])),
    accounts: Object.fromEntries(results.map((r) => [r.connector, r.accounts])),
  };
}
