import {
  defineConnector,
  directPolicy,
  InvalidInputError,
  isLifelineError,
  type Logger,
  NotFoundError,
  PermanentError,
  SchemaDriftError,
  Secret,
  secret,
  staticCredential,
  UnsupportedError,
} from 'lifeline';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const Config = z.object({
  baseUrl: z.url(),
  tenant: z.string().min(1),
  pageSize: z.int().min(1).max(500).default(100),
  apiKey: secret().optional(),
});

function makeConnector(calls: string[] = []) {
  return defineConnector({
    id: 'acme',
    version: '1.2.0',
    config: Config,
    operations: {
      'credential.get': async (ctx, { credential }) => {
        calls.push(`get:${credential.id}:${ctx.tenant}`);
        if (credential.id === 'missing') throw new NotFoundError();
        if (credential.id === 'drifted') return { id: credential.id, kind: 'api_key', state: 'on' } as never;
        if (credential.id === 'buggy')
          throw new TypeError("Cannot read properties of undefined (reading 'key_id')");
        return { id: credential.id, kind: 'api_key', status: 'active', last4: 'ab12' };
      },
      'credential.revoke': async (_ctx, { credential }) => {
        calls.push(`revoke:${credential.id}`);
      },
      'account.create': {
        idempotent: true,
        run: async (_ctx, { identity }) => ({ id: `u_${identity.id}`, status: 'active' }),
      },
    },
  });
}

const config = { baseUrl: 'http://127.0.0.1:1', tenant: 't1' };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('defineConnector', () => {
  it('derives capabilities from the operations present', () => {
    const acme = makeConnector();
    expect([...acme.capabilities].sort()).toEqual(['account.create', 'credential.get', 'credential.revoke']);
    expect(acme.supports('credential.revoke')).toBe(true);
    expect(acme.supports('session.revoke')).toBe(false);
  });

  it('applies default idempotency and honours an explicit override', () => {
    const acme = makeConnector();
    expect(acme.isIdempotent('credential.revoke')).toBe(true);
    expect(acme.isIdempotent('credential.rotate')).toBe(false);
    expect(acme.isIdempotent('account.create')).toBe(true);
  });

  it('rejects an unknown operation name at definition time, listing the known ones', () => {
    expect(() =>
      defineConnector({
        id: 'acme',
        version: '1',
        config: z.object({}),
        operations: { 'credential.revok': async () => undefined } as never,
      }),
    ).toThrow(/unknown operation "credential.revok". Known operations: account.list/);
  });

  it('rejects an invalid connector id', () => {
    const error = (() => {
      try {
        defineConnector({ id: 'Acme Corp', version: '1', config: z.object({}), operations: {} });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([['id']]);
  });
});

describe('connector.with(config)', () => {
  it('lists every bad config field in one invalid_input error, without values', () => {
    const canary = 'sk_live_CONFIG_CANARY_91';
    let error: unknown;
    try {
      makeConnector().with({ baseUrl: `not a url ${canary}`, tenant: '', pageSize: 9000 } as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const invalid = error as InvalidInputError;
    expect(invalid.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'baseUrl',
      'pageSize',
      'tenant',
    ]);
    expect(invalid.message).toMatch(/^Invalid config for connector acme:\n/);
    expect(`${invalid.message}${JSON.stringify(invalid)}`).not.toContain(canary);
  });

  it('takes the tenant from config unless bound explicitly', () => {
    const acme = makeConnector();
    expect(acme.with(config).tenant).toBe('t1');
    expect(acme.with(config, undefined, { tenant: 'eu-1' }).tenant).toBe('eu-1');
  });

  it('keeps secret config fields as Secrets', () => {
    const bound = makeConnector().with({ ...config, apiKey: 'sk_live_abc' });
    expect(bound.config.apiKey).toBeInstanceOf(Secret);
    expect(JSON.stringify(bound.config)).not.toContain('sk_live_abc');
  });

  it('marks a static credential so audit can flag it', () => {
    const bound = makeConnector().with(config, staticCredential('k'));
    expect(bound.usesStaticCredential).toBe(true);
    expect(bound.credentialKind).toBe('static');
    expect(makeConnector().with(config).usesStaticCredential).toBe(false);
  });
});

describe('bound connector calls', () => {
  it('validates input and runs the handler with the tenant in context', async () => {
    const calls: string[] = [];
    const bound = makeConnector(calls).with(config, undefined, { policy: directPolicy });
    const credential = await bound.call('credential.get', { credential: { id: 'k_1' } });
    expect(credential).toEqual({ id: 'k_1', kind: 'api_key', status: 'active', last4: 'ab12' });
    expect(calls).toEqual(['get:k_1:t1']);
  });

  it('rejects bad input with invalid_input before the handler runs', async () => {
    const calls: string[] = [];
    const bound = makeConnector(calls).with(config);
    const error = await rejection(bound.call('credential.revoke', { credential: { id: '' } }));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues[0]?.path).toEqual(['credential', 'id']);
    expect((error as InvalidInputError).mayHaveReachedServer).toBe(false);
    expect(calls).toEqual([]);
  });

  it('throws unsupported for an operation the connector does not implement', async () => {
    const error = await rejection(
      makeConnector()
        .with(config)
        .call('session.revoke', { account: { id: 'u' } }),
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).message).toContain('acme does not implement session.revoke');
    expect((error as UnsupportedError).context).toMatchObject({
      connector: 'acme',
      operation: 'session.revoke',
    });
  });

  it('reports a result that does not fit the model as schema_drift, never as success', async () => {
    const error = await rejection(
      makeConnector()
        .with(config)
        .call('credential.get', { credential: { id: 'drifted' } }),
    );
    expect(error).toBeInstanceOf(SchemaDriftError);
    const paths = (error as SchemaDriftError).issues.map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual(['', 'status']);
  });

  it('passes Lifeline errors from handlers through', async () => {
    const error = await rejection(
      makeConnector()
        .with(config)
        .call('credential.get', { credential: { id: 'missing' } }),
    );
    expect(isLifelineError(error, 'not_found')).toBe(true);
  });

  it('turns an unexpected handler error into a permanent Lifeline error with its cause', async () => {
    const error = await rejection(
      makeConnector()
        .with(config)
        .call('credential.get', { credential: { id: 'buggy' } }),
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).cause).toBeInstanceOf(TypeError);
    expect((error as PermanentError).context).toMatchObject({
      connector: 'acme',
      operation: 'credential.get',
    });
  });

  it('ignores whatever an acknowledging operation returns', async () => {
    const bound = defineConnector({
      id: 'acme',
      version: '1',
      config: z.object({}),
      operations: { 'credential.revoke': async () => ({ status: 204 }) as never },
    }).with({});
    await expect(bound.call('credential.revoke', { credential: { id: 'k' } })).resolves.toBeUndefined();
  });

  it('gives the handler a signal only when the caller has one, and a deadline with a timeout', async () => {
    const seen: { signal: boolean; deadline: boolean }[] = [];
    const bound = defineConnector({
      id: 'acme',
      version: '1',
      config: z.object({}),
      operations: {
        'connection.test': async (ctx) => {
          seen.push({ signal: ctx.signal !== undefined, deadline: ctx.deadline !== undefined });
          return { ok: true };
        },
      },
    }).with({}, undefined, { policy: directPolicy });
    await bound.call('connection.test', {});
    await bound.call('connection.test', {}, { signal: new AbortController().signal });
    await bound.call('connection.test', {}, { timeoutMs: 1000 });
    expect(seen).toEqual([
      { signal: false, deadline: false },
      { signal: true, deadline: false },
      { signal: true, deadline: true },
    ]);
  });

  it('hands the handler the configured logger', async () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: () => {},
      info: (message) => lines.push(message),
      warn: () => {},
      error: () => {},
    };
    const bound = defineConnector({
      id: 'acme',
      version: '1',
      config: z.object({}),
      operations: {
        'connection.test': async (ctx) => {
          ctx.logger.info('checked');
          return { ok: true };
        },
      },
    }).with({}, undefined, { logger });
    await bound.call('connection.test', {});
    expect(lines).toEqual(['checked']);
  });
});
