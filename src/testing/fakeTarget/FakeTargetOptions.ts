import { z } from 'zod';

/**
 * Scopes a token may carry; `*` grants all.
 *
 * @example
 * ```ts
 * target.addToken('acme', { token: 'read-only', scopes: ['keys:read'] });
 * ```
 */
export const FAKE_SCOPES = [
  '*',
  'accounts:read',
  'accounts:write',
  'keys:read',
  'keys:write',
  'groups:read',
  'groups:write',
  'sessions:read',
  'sessions:write',
] as const;

/**
 * One scope of {@link FAKE_SCOPES}.
 *
 * @example
 * ```ts
 * const scope: FakeScope = 'keys:write';
 * ```
 */
export type FakeScope = (typeof FAKE_SCOPES)[number];

const Scope = z.enum(FAKE_SCOPES);
const TenantId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/,
    'must be 1-63 letters, digits, "-" or "_", starting with a letter or digit',
  );

/**
 * A bearer token a tenant accepts.
 *
 * @example
 * ```ts
 * createFakeTarget({ tenants: [{ id: 'acme', tokens: [{ token: 't1', scopes: ['keys:read'], expiresInSeconds: 60 }] }] });
 * ```
 */
export const FakeTokenSpec = z.strictObject({
  token: z.string().min(1).max(4096),
  scopes: z.array(Scope).max(16).default(['*']),
  /** Seconds from now until the token expires; omit for a token that never expires. */
  expiresInSeconds: z.number().min(0).max(31_536_000).optional(),
});

/**
 * An OAuth client of the `/oauth/token` endpoint.
 *
 * @example
 * ```ts
 * createFakeTarget({ tenants: [{ id: 'acme', clients: [{ clientId: 'lifeline', clientSecret: 's3cret', scopes: ['keys:write'] }] }] });
 * ```
 */
export const FakeClientSpec = z.strictObject({
  clientId: z.string().min(1).max(256),
  clientSecret: z.string().min(1).max(4096),
  scopes: z.array(Scope).max(16).default(['*']),
});

/**
 * An enforced per-tenant rate limit: a token bucket answering 429 + Retry-After above it.
 *
 * @example
 * ```ts
 * target.setRateLimit('acme', { perSecond: 1000, burst: 100, retryAfterFormat: 'http-date' });
 * ```
 */
export const FakeRateLimitSpec = z.strictObject({
  perSecond: z.number().positive().max(10_000_000),
  /** Bucket size; defaults to `perSecond` (one second of burst). */
  burst: z.int().min(1).max(10_000_000).optional(),
  retryAfterFormat: z.enum(['seconds', 'http-date']).default('seconds'),
});

/**
 * What a tenant's SCIM 2.0 mode advertises in /ServiceProviderConfig and
 * enforces: ETags (`meta.version`, `ETag`, `If-Match` → 412), PATCH (else
 * 501), filters (else 400 `invalidFilter`).
 *
 * @example
 * ```ts
 * createFakeTarget({ tenants: [{ id: 'acme', scim: { patch: false } }] }); // clients must PUT
 * ```
 */
export const FakeScimSpec = z.strictObject({
  etag: z.boolean().default(true),
  patch: z.boolean().default(true),
  filter: z.boolean().default(true),
});

/**
 * One tenant of the fake target.
 *
 * @example
 * ```ts
 * target.addTenant({ id: 'globex', apiVersion: 'v2', rateLimit: { perSecond: 50 } });
 * ```
 */
export const FakeTenantSpec = z.strictObject({
  id: TenantId,
  apiVersion: z.enum(['v1', 'v2']).default('v1'),
  /** Accepted bearer tokens; default one token `token-<id>` with all scopes. */
  tokens: z.array(FakeTokenSpec).max(1000).optional(),
  /** OAuth clients; default one `client-<id>` / `secret-<id>` with all scopes. */
  clients: z.array(FakeClientSpec).max(1000).optional(),
  rateLimit: FakeRateLimitSpec.optional(),
  /** Capabilities of the tenant's SCIM 2.0 endpoints (all on by default). */
  scim: FakeScimSpec.optional(),
});

/**
 * Options of `createFakeTarget`. Everything has a default: `createFakeTarget()`
 * serves one tenant, `acme`, API v1, token `token-acme`.
 *
 * @example
 * ```ts
 * const options = FakeTargetOptions.parse({ seed: 7 }); // defaults filled in
 * ```
 */
export const FakeTargetOptions = z
  .strictObject({
    /** Seeds ids, secrets, seeded data and fault draws. */
    seed: z.union([z.int(), z.string().max(256)]).default(1),
    tenants: z
      .array(FakeTenantSpec)
      .min(1)
      .max(1000)
      .prefault([{ id: 'acme' }]),
    /** Loopback only. */
    host: z.enum(['127.0.0.1', '::1']).default('127.0.0.1'),
    /** 0 for an ephemeral port. */
    port: z.int().min(0).max(65_535).default(0),
    /** Default and maximum page size of list endpoints. */
    pageSize: z
      .strictObject({
        default: z.int().min(1).max(100_000).default(100),
        max: z.int().min(1).max(100_000).default(1000),
      })
      .default({ default: 100, max: 1000 }),
    /** Lifetime of tokens issued by `/oauth/token`. */
    tokenTtlSeconds: z.int().min(1).max(86_400).default(300),
    /** Time base of seeded and added objects (epoch ms). */
    epochMs: z.int().default(Date.UTC(2024, 0, 1)),
    /** Largest request body accepted (413 above). */
    maxRequestBytes: z
      .int()
      .min(1)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
  })
  .superRefine((options, ctx) => {
    const seen = new Set<string>();
    options.tenants.forEach((tenant, index) => {
      if (seen.has(tenant.id)) {
        ctx.addIssue({ code: 'custom', path: ['tenants', index, 'id'], message: 'duplicate tenant id' });
      }
      seen.add(tenant.id);
    });
    if (options.pageSize.default > options.pageSize.max) {
      ctx.addIssue({ code: 'custom', path: ['pageSize', 'default'], message: 'must be <= pageSize.max' });
    }
  });

/**
 * Input of `createFakeTarget`.
 *
 * @example
 * ```ts
 * const options: FakeTargetOptionsInput = { seed: 7, tenants: [{ id: 'acme', apiVersion: 'v2' }] };
 * ```
 */
export type FakeTargetOptionsInput = z.input<typeof FakeTargetOptions>;
/**
 * Input of `target.addTenant`.
 *
 * @example
 * ```ts
 * const tenant: FakeTenantInput = { id: 'globex', apiVersion: 'v2' };
 * ```
 */
export type FakeTenantInput = z.input<typeof FakeTenantSpec>;
/**
 * Input of `target.setRateLimit`.
 *
 * @example
 * ```ts
 * const limit: FakeRateLimitInput = { perSecond: 1000, burst: 50 };
 * ```
 */
export type FakeRateLimitInput = z.input<typeof FakeRateLimitSpec>;
/**
 * Input of `target.addToken`.
 *
 * @example
 * ```ts
 * const token: FakeTokenInput = { token: 'expired', expiresInSeconds: 0 };
 * ```
 */
export type FakeTokenInput = z.input<typeof FakeTokenSpec>;
/**
 * Input of a tenant's `scim` option.
 *
 * @example
 * ```ts
 * const scim: FakeScimInput = { etag: false };
 * ```
 */
export type FakeScimInput = z.input<typeof FakeScimSpec>;
